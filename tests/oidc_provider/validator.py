"""The test provider's claims: each user's address, whether it is verified, and names; and
the quirks that make it issue a token a relying party must refuse: issued for another
client, by another issuer, or with a signature its key did not make."""

from django.conf import settings
from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):
    oidc_claim_scope = None  # every claim, whatever the scopes

    def get_additional_claims(self, request):
        user = settings.OIDC_TEST_USERS[request.user.username]
        claims = {
            "email": user["email"],
            "email_verified": user.get("email_verified", True),
            "given_name": user.get("given_name", ""),
            "family_name": user.get("family_name", ""),
        }
        if claims["email_verified"] is None:  # a provider that sends no such claim (Entra ID)
            del claims["email_verified"]
        return claims

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration_time = super().get_id_token_dictionary(token, token_handler, request)
        quirk = settings.OIDC_TEST_QUIRKS.get(request.client_id, "")
        if quirk == "wrong_audience":
            claims["aud"] = "another-client"
        elif quirk == "wrong_issuer":
            claims["iss"] = "https://issuer.invalid"
        return claims, expiration_time

    def finalize_id_token(self, id_token, token, token_handler, request):
        signed = super().finalize_id_token(id_token, token, token_handler, request)
        if settings.OIDC_TEST_QUIRKS.get(request.client_id) == "bad_signature":
            # The same header and claims under a signature the provider's key never made.
            header, claims, signature = signed.split(".")
            forged = ("A" if signature[0] != "A" else "B") + signature[1:]
            signed = f"{header}.{claims}.{forged}"
        return signed
