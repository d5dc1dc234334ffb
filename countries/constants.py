"""Reference facts the countries app is built on."""

from countries.choices import NodeCode

# The three operational nodes and the regions they cover (PSA-WI-01 F.3; FEACT IPSLO page).
NODES = (
    {
        "code": NodeCode.ACTEUR,
        "name": "Activities Europe",
        "location": "Brunssum, Netherlands",
        "regions": "Europe, the Near East and Africa",
    },
    {
        "code": NodeCode.FEACT,
        "name": "Far East Activities",
        "location": "Fussa, Japan",
        "regions": "The Indo-Pacific: 47 nations and territories from Madagascar to French Polynesia",
    },
    {
        "code": NodeCode.LANT512,
        "name": "LANT-512",
        "location": "Portsmouth, Virginia",
        "regions": "The Americas and the Caribbean",
    },
)
