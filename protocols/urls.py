from django.urls import path

from protocols import views

urlpatterns = [
    path("presets/", views.preset_list, name="preset-list"),
    path("presets/compare/", views.preset_compare, name="preset-compare"),
    path("presets/<slug:slug>/v<int:version>/", views.preset_detail, name="preset-detail"),
]
