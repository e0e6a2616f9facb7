from django.urls import path

from clinic import account_views, consent_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", account_views.account, name="account"),
    path("accounts/password/", account_views.AuditedPasswordChangeView.as_view(), name="password-change"),
    path("accounts/second-factor/", account_views.second_factor, name="second-factor"),
    path("accounts/second-factor/setup/", account_views.second_factor_setup, name="second-factor-setup"),
    path("accounts/second-factor/recovery-codes/", account_views.recovery_codes, name="recovery-codes"),
    path("accounts/second-factor/recovery-codes/new/", account_views.new_recovery_codes, name="new-recovery-codes"),
    path("accounts/factors/<str:kind>/<int:pk>/remove/", account_views.remove_factor, name="remove-factor"),
    path("accounts/logout-everywhere/", views.logout_everywhere, name="logout-everywhere"),
    path("accounts/ping/", views.ping, name="session-ping"),
    path("healthz", views.healthz, name="healthz"),
    path("patients/search/", views.patient_search, name="patient-search"),
    path("patients/new/", views.patient_create, name="patient-create"),
    path("patients/<int:pk>/edit/", views.patient_edit, name="patient-edit"),
    path("patients/<int:patient_pk>/consents/sign/", consent_views.choose_consent, name="consent-choose"),
    path(
        "patients/<int:patient_pk>/consents/sign/<int:document_pk>/",
        consent_views.sign_consent_page,
        name="consent-sign",
    ),
    path("patients/<int:patient_pk>/consents/withdraw/", consent_views.withdraw_consent_page, name="consent-withdraw"),
    path("consents/<int:pk>/signed.pdf", consent_views.signed_consent_pdf, name="signed-consent-pdf"),
]
