"""State and province codes, for validating where an agency is."""

US_STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan",
    "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana",
    "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey",
    "NM": "New Mexico", "NY": "New York", "NC": "North Carolina", "ND": "North Dakota",
    "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island",
    "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas",
    "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming", "AS": "American Samoa",
    "GU": "Guam", "MP": "Northern Mariana Islands", "PR": "Puerto Rico",
    "VI": "U.S. Virgin Islands",
}  # fmt: skip

CA_PROVINCES = {
    "AB": "Alberta", "BC": "British Columbia", "MB": "Manitoba", "NB": "New Brunswick",
    "NL": "Newfoundland and Labrador", "NS": "Nova Scotia", "NT": "Northwest Territories",
    "NU": "Nunavut", "ON": "Ontario", "PE": "Prince Edward Island", "QC": "Quebec",
    "SK": "Saskatchewan", "YT": "Yukon",
}  # fmt: skip

REGIONS_BY_COUNTRY = {"US": US_STATES, "CA": CA_PROVINCES}


def normalize_region(country: str, value: str) -> str:
    """The region as stored: a known code for the US and Canada, else the text as given.

    Raises ValueError with a message for a US state or Canadian province it does not know.
    """
    value = value.strip()
    known = REGIONS_BY_COUNTRY.get(str(country))
    if known is None or not value:
        return value
    code = value.upper()
    if code in known:
        return code
    by_name = {name.lower(): code for code, name in known.items()}
    if value.lower() in by_name:
        return by_name[value.lower()]
    kind = "US state or territory" if str(country) == "US" else "Canadian province or territory"
    raise ValueError(f"“{value}” is not a {kind}. Use its two-letter code (for example VA, ON).")


# NCIC's ORI prefixes are the postal codes except where NCIC kept its own (Nebraska: NB).
ORI_PREFIX_EXCEPTIONS = {"NE": "NB"}
# Territories whose NCIC prefixes vary; their ORIs are checked for format only.
ORI_PREFIX_UNCHECKED = {"AS", "GU", "MP"}


def ori_matches_state(ori: str, state: str) -> bool:
    """Whether a US ORI begins with the NCIC prefix of the agency's state."""
    if state in ORI_PREFIX_UNCHECKED:
        return True
    return ori[:2] == ORI_PREFIX_EXCEPTIONS.get(state, state)
