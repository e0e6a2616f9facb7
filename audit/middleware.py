from audit.context import Actor, client_ip, current_actor


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user if request.user.is_authenticated else None
        token = current_actor.set(Actor(user=user, ip_address=client_ip(request)))
        try:
            return self.get_response(request)
        finally:
            current_actor.reset(token)
