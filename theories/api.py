from rest_framework import viewsets
from rest_framework.permissions import AllowAny

from .selectors import theory_list
from .serializers import TheorySerializer


class TheoryViewSet(viewsets.ReadOnlyModelViewSet):
    """The rateable theories, ordered by number."""

    serializer_class = TheorySerializer
    permission_classes = [AllowAny]
    queryset = theory_list()
