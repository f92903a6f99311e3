"""The shape in which an evidence app reports on a pledge requirement: partnerships answers
in it and the pledge engine reads it, neither importing the other."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Finding:
    """What an evidence app reports about one pledge requirement on one day."""

    met: bool
    reasons: list[str] = field(default_factory=list)  # what is missing, in words, when not met
