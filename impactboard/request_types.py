"""Request types for code that runs only after authentication.

Django and DRF type ``request.user`` as ``User | AnonymousUser``, because a request may come
from anyone. Behind ``@login_required`` (pages) or ``IsAuthenticated`` (API) the user is a
real account; annotating such a view's request with these types says so once, instead of a
cast or an ``assert`` in every view. The annotation is only as true as the guard in front of
the view: use them only where ``@login_required`` / ``IsAuthenticated`` is applied, or on the
unsafe methods (POST, PUT, PATCH, DELETE) of a view under ``IsAuthenticatedOrReadOnly``.
"""

from django.contrib.auth.models import User
from django.http import HttpRequest
from rest_framework.request import Request


class AuthedHttpRequest(HttpRequest):
    """A page request behind ``@login_required``."""

    user: User


class AuthedRequest(Request):
    """An API request behind ``IsAuthenticated``."""

    user: User
