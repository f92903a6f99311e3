from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied

from agencies.audit import changes_between, record_event
from agencies.models import Agency, AuditEvent, Document, Invitation, Membership, User
from agencies.staff import ADMINISTER

ACCOUNT_FIELDS = ["email", "first_name", "last_name", "is_active"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Changes go through the product's pages and services, which write the audit trail.

    Program administrators, the only people the admin site lets in, read every model shown
    this way: no app has to grant a view permission per model for its rows to be seen.
    """

    def has_module_permission(self, request) -> bool:
        return request.user.has_perm(ADMINISTER)

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm(ADMINISTER)

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        # Every field shown as text: no form field is built, so none lists the rows of a
        # tenant model (whose default manager would want an agency scope).
        hidden = set(self.exclude or ())
        fields = [*self.model._meta.fields, *self.model._meta.many_to_many]
        return [f.name for f in fields if not f.auto_created and f.name not in hidden]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class AllAgenciesAdmin(ReadOnlyAdmin):
    """Admin spans every agency, so it reads through the explicit cross-agency manager."""

    def get_queryset(self, request):
        # Nothing selected here: the list then joins the relations it shows (Django skips
        # `list_select_related` on a queryset that already selects some).
        return self.model.all_agencies.all()


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    list_filter = ["is_active", "groups"]
    # No password here: its owner resets it by email, so admin offers no button that would
    # only refuse (`user_change_password` below still refuses the address).
    fieldsets = [
        (None, {"fields": ["email"]}),
        ("Name", {"fields": ["first_name", "last_name"]}),
        ("Access", {"fields": ["is_active", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"fields": ["email", "password1", "password2"]})]
    readonly_fields = ["last_login", "date_joined"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # The staff roles are two groups: two tick boxes, rather than admin's two-list picker
        # (whose search icons carry an aria-label that their element may not have).
        if db_field.name == "groups":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        # An address is changed by its owner, confirmed by email (allauth), never here.
        return [*self.readonly_fields, "email"] if obj else self.readonly_fields

    def user_change_password(self, request, id, form_url=""):
        raise PermissionDenied("Passwords are reset by their owners, by email.")

    def save_related(self, request, form, formsets, change):
        """Staff roles are groups: audit every change to them and to the account's status.

        Admin runs this inside the transaction of the change, so the event commits with it.
        """
        super().save_related(request, form, formsets, change)
        user = form.instance
        # Read-only fields are not on the form: on a change they kept their value.
        before = {
            name: form.initial.get(name, getattr(user, name) if change else None)
            for name in ACCOUNT_FIELDS
        }
        before["groups"] = sorted(group.name for group in form.initial.get("groups", []))
        after = {name: getattr(user, name) for name in ACCOUNT_FIELDS}
        after["groups"] = sorted(group.name for group in user.groups.all())
        changes = changes_between(before, after)
        if changes or not change:
            record_event(
                action="account.updated" if change else "account.created",
                actor=request.user,
                obj=user,
                changes=changes,
            )


@admin.register(Agency)
class AgencyAdmin(ReadOnlyAdmin):
    list_display = ["name", "region", "agency_type", "verified", "created_at"]
    list_filter = ["verified", "agency_type", "country"]
    search_fields = ["name", "ori", "slug", "locality"]


@admin.register(Membership)
class MembershipAdmin(AllAgenciesAdmin):
    list_display = ["user", "agency", "role"]
    list_filter = ["role"]
    search_fields = ["user__email", "agency__name"]
    raw_id_fields = ["user", "agency"]


@admin.register(Invitation)
class InvitationAdmin(AllAgenciesAdmin):
    list_display = ["email", "agency", "role", "created_at", "expires_at", "accepted_at"]
    search_fields = ["email", "agency__name"]
    raw_id_fields = ["agency", "invited_by", "accepted_by"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "actor_email", "agency", "object_repr", "ip"]
    list_filter = ["action"]
    search_fields = ["actor_email", "object_repr", "action"]
    date_hierarchy = "at"


@admin.register(Document)
class DocumentAdmin(AllAgenciesAdmin):
    list_display = ["filename", "agency", "kind", "size", "uploaded_at"]
    list_filter = ["kind"]
    search_fields = ["filename", "sha256", "agency__name"]
    exclude = ["file"]  # files are served by the agency's pages only
