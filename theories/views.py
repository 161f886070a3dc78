from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from discussion.views import public_thread_context

from .models import Theory
from .selectors import theory_list


def theory_index(request: HttpRequest) -> HttpResponse:
    return render(request, "theories/theory_list.html", {"theories": theory_list()})


def theory_detail(request: HttpRequest, slug: str) -> HttpResponse:
    theory = get_object_or_404(Theory, slug=slug)
    context = {"theory": theory, "score_range": range(1, 11)}
    context |= public_thread_context(request, theory=theory)
    return render(request, "theories/theory_detail.html", context)
