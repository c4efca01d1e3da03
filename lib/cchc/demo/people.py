"""Fake personal data (names, ID numbers, phones, addresses) for dossier holders."""

from __future__ import annotations

import random
from dataclasses import dataclass

from .naming import UnitName
from .naming import words as named_words
from .text import ascii_fold

PROVINCE_CODES = ("030", "031")  # Hải Dương (before the merger), Hải Phòng
PHONE_PREFIXES = ("09", "03", "08", "07")


@dataclass(frozen=True)
class Person:
    name: str
    id_number: str
    phone: str
    address: str
    email: str


def fake_person(rng: random.Random, unit: UnitName | None = None) -> Person:
    """A fake person living in ``unit`` (default: the demo commune)."""
    words = named_words("people", unit)
    female = rng.random() < 0.52
    surname = rng.choice(words["surnames"])
    middle = rng.choice(words["middle_female" if female else "middle_male"])
    given = rng.choice(words["given_female" if female else "given_male"])
    name = f"{surname} {middle} {given}"

    year = rng.randint(1945, 2006)
    century_gender = (0 if year < 2000 else 2) + (1 if female else 0)
    id_number = f"{rng.choice(PROVINCE_CODES)}{century_gender}{year % 100:02d}{rng.randint(0, 999999):06d}"
    phone = "" if rng.random() < 0.05 else f"{rng.choice(PHONE_PREFIXES)}{rng.randint(0, 99999999):08d}"
    address = words["address_template"].format(village=rng.choice(words["villages"]))
    email = ""
    if rng.random() < 0.3:
        local = ascii_fold(f"{given}{surname}").lower().replace(" ", "")
        email = f"{local}{year % 100:02d}@gmail.com"
    return Person(name, id_number, phone, address, email)
