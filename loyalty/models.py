# Tables arrive with this app's issue; the app is installed so URLs, tasks and migrations have a home.
