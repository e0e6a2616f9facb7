"""What administrators change in the admin (staff accounts, roles, passwords, equipment and stock) is in the
audit trail with what changed, and equipment and stock keep their field history."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from clinic.models import Device, Product
from clinic.roles import CLINICIAN, CURATOR
from tests.support.factories import DeviceFactory, LotFactory, UserFactory
from tests.support.forms import admin_change as change

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client_for, superuser):
    return client_for(superuser)


def last(action, object_type):
    return AuditEvent.objects.filter(action=action, object_type=object_type).order_by("pk").last()


def test_renaming_a_product_and_its_lot_is_audited_and_kept_in_their_history(admin, superuser):
    lot = LotFactory(product__name="Minoxidil 5 %", number="L-1")
    url = reverse("admin:clinic_product_change", args=[lot.product.pk])

    change(admin, url, name="Minoxidil 5 % (new label)", **{"lots-0-number": "L-1-B"})

    product = last(AuditAction.UPDATE, "product")
    assert (product.user, product.changes["name"]) == (superuser, ["Minoxidil 5 %", "Minoxidil 5 % (new label)"])
    assert last(AuditAction.UPDATE, "lot").changes["number"] == ["L-1", "L-1-B"]
    history = Product.history.filter(id=lot.product.pk).order_by("history_date")
    assert [version.name for version in history] == ["Minoxidil 5 %", "Minoxidil 5 % (new label)"]
    assert history.last().history_user == superuser


def test_adding_and_deleting_a_device_is_audited(admin):
    admin.post(
        reverse("admin:clinic_device_add"),
        {
            "kind": "microneedling_pen",
            "manufacturer": "Dermapen",
            "model_name": "4",
            "serial_number": "DP-9",
            "active": "on",
        },
    )
    device = Device.objects.get(serial_number="DP-9")
    admin.post(reverse("admin:clinic_device_delete", args=[device.pk]), {"post": "yes"})

    created, deleted = last(AuditAction.CREATE, "device"), last(AuditAction.DELETE, "device")
    assert created.changes["serial_number"] == [None, "DP-9"]
    assert deleted.changes["serial_number"] == ["DP-9", None] and deleted.object_id == str(device.pk)
    assert not Device.objects.filter(pk=device.pk).exists()


def test_giving_a_role_and_staff_status_is_audited_without_the_password(admin):
    user = UserFactory(username="dr.new", roles=[CURATOR])
    curator, clinician = Group.objects.get(name=CURATOR), Group.objects.get(name=CLINICIAN)

    change(admin, reverse("admin:clinic_user_change", args=[user.pk]), is_staff="on", groups=[curator.pk, clinician.pk])

    fields, roles = AuditEvent.objects.filter(action=AuditAction.UPDATE, object_type="user").order_by("pk")
    assert fields.changes["is_staff"] == [False, True]
    assert roles.changes == {"roles": [[CURATOR], sorted([CLINICIAN, CURATOR])]}
    assert not any("password" in event.changes for event in AuditEvent.objects.all())


def test_a_password_set_by_an_administrator_is_audited_by_whom(admin, superuser):
    user = UserFactory(username="dr.forgetful")
    new = "another long passphrase 42"

    admin.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": new, "password2": new, "usable_password": "true"},
    )

    event = last(AuditAction.PASSWORD_CHANGED, "user")
    assert (event.object_id, event.detail) == (str(user.pk), {"via": "admin", "by": superuser.username})
    assert new not in str(AuditEvent.objects.values_list("changes", "detail"))


def test_changing_a_roles_admin_permissions_is_audited(admin):
    role = Group.objects.get(name=CURATOR)
    device_view = role.permissions.model.objects.get(codename="view_device")

    change(admin, reverse("admin:auth_group_change", args=[role.pk]), permissions=[device_view.pk])

    event = last(AuditAction.UPDATE, "group")
    assert event.changes["permissions"][1] == ["view_device"]


def test_editing_a_device_records_only_what_changed(admin):
    device = DeviceFactory(model_name="Hawk Pen")

    change(admin, reverse("admin:clinic_device_change", args=[device.pk]), model_name="Hawk Pen V2")

    assert last(AuditAction.UPDATE, "device").changes == {"model_name": ["Hawk Pen", "Hawk Pen V2"]}
