"""Page URLs and API URLs of the discussion, included by impactboard/urls.py."""

from django.urls import path

from . import api, views

api_urlpatterns = [
    path(
        "theories/<int:pk>/comments/",
        api.ThreadCommentsView.as_view(),
        name="api-theory-comments",
    ),
    path("comments/preview/", api.CommentPreviewView.as_view(), name="api-comment-preview"),
    path("comments/<int:pk>/", api.CommentDetailView.as_view(), name="api-comment"),
    path(
        "comments/<int:pk>/retract/",
        api.CommentRetractView.as_view(),
        name="api-comment-retract",
    ),
    path(
        "comments/<int:pk>/unretract/",
        api.CommentUnretractView.as_view(),
        name="api-comment-unretract",
    ),
    path("comments/<int:pk>/vote/", api.CommentVoteView.as_view(), name="api-comment-vote"),
    path("comments/<int:pk>/agree/", api.CommentAgreeView.as_view(), name="api-comment-agree"),
    path("comments/<int:pk>/hide/", api.CommentHideView.as_view(), name="api-comment-hide"),
    path("comments/<int:pk>/report/", api.CommentReportView.as_view(), name="api-comment-report"),
    path(
        "comments/<int:pk>/versions/",
        api.CommentVersionsView.as_view(),
        name="api-comment-versions",
    ),
]

urlpatterns = [
    path("theories/<slug:slug>/", views.theory_detail, name="theory_detail"),
    path("theories/<slug:slug>/comments/", views.theory_comment, name="theory_comment"),
    path("theories/<slug:slug>/for-and-against/", views.theory_sides, name="theory_sides"),
    path(
        "groups/<slug:slug>/theories/<slug:theory_slug>/",
        views.group_theory,
        name="group_theory",
    ),
    path(
        "groups/<slug:slug>/theories/<slug:theory_slug>/comments/",
        views.group_theory_comment,
        name="group_theory_comment",
    ),
    path(
        "groups/<slug:slug>/theories/<slug:theory_slug>/for-and-against/",
        views.group_theory_sides,
        name="group_theory_sides",
    ),
    path(
        "comments/<int:pk>/vote/",
        views.comment_vote_page,
        {"kind": "quality"},
        name="comment_vote",
    ),
    path(
        "comments/<int:pk>/agree/",
        views.comment_vote_page,
        {"kind": "agreement"},
        name="comment_agree",
    ),
    path("comments/<int:pk>/retract/", views.comment_retract_page, name="comment_retract"),
    path("comments/<int:pk>/delete/", views.comment_delete_page, name="comment_delete"),
    path("comments/<int:pk>/hide/", views.comment_hide_page, name="comment_hide"),
    path("comments/<int:pk>/report/", views.comment_report_page, name="comment_report"),
    path("comments/<int:pk>/edit/", views.comment_edit_page, name="comment_edit"),
    path("comments/<int:pk>/versions/", views.comment_versions_page, name="comment_versions"),
    path("users/<str:username>/", views.user_comments, name="discussion_user"),
]
