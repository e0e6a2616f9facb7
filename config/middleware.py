"""Which app server answered: for deployments with several behind one load balancer."""

from django.conf import settings


class AppServerHeaderMiddleware:
    """Adds `X-App-Server: <APP_SERVER_NAME>` to every response, so a balancer's logs, an operator's
    curl or `make test-scaleout` can tell the app servers apart. Installed only when the name is set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response["X-App-Server"] = settings.APP_SERVER_NAME
        return response
