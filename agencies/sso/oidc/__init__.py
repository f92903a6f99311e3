"""The OpenID Connect routes allauth mounts under /accounts/ for the provider class
(`AgencyOpenIDConnectProvider.package` names this package), in place of its own."""
