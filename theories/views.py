from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .selectors import theory_list


def theory_index(request: HttpRequest) -> HttpResponse:
    return render(request, "theories/theory_list.html", {"theories": theory_list()})
