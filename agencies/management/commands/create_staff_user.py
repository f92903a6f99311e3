"""Create (or promote) a program staff account: the way to make the first administrator."""

from getpass import getpass

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from agencies.audit import record_event
from agencies.models import User
from agencies.staff import ADMINISTRATOR_GROUP, REVIEWER_GROUP

GROUPS = {"reviewer": REVIEWER_GROUP, "administrator": ADMINISTRATOR_GROUP}


class Command(BaseCommand):
    help = "Create a program reviewer or administrator (asks for a password for new accounts)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--role", choices=sorted(GROUPS), default="administrator")

    def handle(self, *args, email: str, role: str, **options) -> None:
        email = email.strip().lower()
        user = User.objects.filter(email__iexact=email).first()
        password = None
        if user is None:
            password = getpass(f"Password for {email}: ")
            try:
                validate_password(password, User(email=email))
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
        with transaction.atomic():
            if user is None:
                user = User.objects.create_user(email, password)
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            user.groups.add(Group.objects.get(name=GROUPS[role]))
            record_event(action="account.staff_role_granted", obj=user, values={"role": role})
        self.stdout.write(
            self.style.SUCCESS(
                f"{email} is a program {role}. They set up two-factor authentication at first "
                "sign-in."
            )
        )
