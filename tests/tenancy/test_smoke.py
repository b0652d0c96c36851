def test_acme_manager_sees_dashboard(world, client_as):
    response = client_as(world.acme_manager).get("/manage/partners/")
    assert response.status_code == 200
    assert b"Northwind Traders" in response.content
    assert b"Initech" not in response.content
