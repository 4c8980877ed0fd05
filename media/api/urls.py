urlpatterns: list = []  # /v1/media routes (media.api.views)
