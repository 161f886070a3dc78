"""The error answers the ratings endpoints document, shared by their schemas."""

from drf_spectacular.utils import OpenApiResponse

from ..serializers import DetailSerializer

NOT_FOUND = OpenApiResponse(DetailSerializer, description="No such group, or a private one.")
FORBIDDEN = OpenApiResponse(DetailSerializer, description="Not allowed (members/facilitators).")
UNAUTHENTICATED = OpenApiResponse(DetailSerializer, description="Not logged in.")
BAD_REQUEST = OpenApiResponse(description="Validation errors, by field.")
LAST_FACILITATOR = OpenApiResponse(DetailSerializer, description="The last facilitator.")
