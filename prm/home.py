from django.shortcuts import redirect, render


def home(request):
    """`/`: the platform page on the root domain; elsewhere each person's own home."""
    if request.tenant is None:
        return render(request, "root.html")
    if not request.user.is_authenticated or request.membership is None:
        return redirect("account_login")
    if request.membership.is_staff_role:
        return redirect("dashboard_home")
    return redirect("portal_home")
