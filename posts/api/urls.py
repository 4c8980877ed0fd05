from django.urls import path

from posts.api import views

urlpatterns = [
    path("posts", views.PostListApi.as_view(), name="posts"),
    path("posts/validate", views.PostValidateApi.as_view(), name="posts-validate"),
    path("posts/<str:post_id>", views.PostDetailApi.as_view(), name="post"),
    path("posts/<str:post_id>/retry", views.PostRetryApi.as_view(), name="post-retry"),
]
