"""Names and gendered words for the name-swap check (``resumatch.fairness.name_swap``).

Sources of the name lists:

- **White and Black (African American) first names, by sex, and surnames**: the names of
  the résumé audit study by M. Bertrand and S. Mullainathan, "Are Emily and Greg More
  Employable Than Lakisha and Jamal? A Field Experiment on Labor Market Discrimination",
  *American Economic Review* 94(4): 991-1013 (2004), Table A1 (first names chosen from
  Massachusetts birth certificates 1974-1979 as the most distinctive of each group) and
  the surnames the study paired them with.
- **Hispanic and Asian first names, by sex**: first names whose bearers are mostly Hispanic
  or mostly Asian in K. Tzioumis, "Demographic aspects of first names", *Scientific Data*
  5: 180025 (2018) (4,250 first names with race/ethnicity shares from U.S. mortgage
  applications). The lists here were picked from that kind of high-share name; the exact
  shares were not re-checked against the data file for this release.
- **Hispanic and Asian surnames**: among the most frequent surnames whose bearers are
  mostly Hispanic or mostly Asian in the U.S. Census Bureau's "Frequently Occurring
  Surnames from the 2010 Census" (race and Hispanic-origin shares per surname).

A name is *associated* with a group in these sources; nobody's identity is inferred from
a name anywhere in the product. The lists only make variants of the same resume, to see
whether a model scores them differently.

Gendered words: third-person pronouns (he/she/they and their object, possessive and
reflexive forms), honorifics (Mr/Ms/Mx) and a few gendered nouns.
"""

from __future__ import annotations

from dataclasses import dataclass

FEMALE, MALE = "female", "male"
WHITE, BLACK, HISPANIC, ASIAN = "White", "Black", "Hispanic", "Asian"
GROUPS = (WHITE, BLACK, HISPANIC, ASIAN)
SEXES = (FEMALE, MALE)

FIRST_NAMES: dict[tuple[str, str], tuple[str, ...]] = {
    # Bertrand & Mullainathan (2004), Table A1.
    (WHITE, FEMALE): ("Allison", "Anne", "Carrie", "Emily", "Jill", "Laurie", "Kristen",
                      "Meredith", "Sarah"),
    (BLACK, FEMALE): ("Aisha", "Ebony", "Keisha", "Kenya", "Lakisha", "Latonya", "Latoya",
                      "Tamika", "Tanisha"),
    (WHITE, MALE): ("Brad", "Brendan", "Geoffrey", "Greg", "Brett", "Jay", "Matthew", "Neil",
                    "Todd"),
    (BLACK, MALE): ("Darnell", "Hakim", "Jamal", "Jermaine", "Kareem", "Leroy", "Rasheed",
                    "Tremayne", "Tyrone"),
    # High Hispanic / Asian share in Tzioumis (2018); see the module docstring.
    (HISPANIC, FEMALE): ("Alejandra", "Guadalupe", "Marisol", "Yesenia", "Araceli",
                         "Maricela", "Rocio", "Esperanza", "Juana"),
    (HISPANIC, MALE): ("Alejandro", "Jose", "Juan", "Jesus", "Francisco", "Guillermo",
                       "Rigoberto", "Santiago", "Ramiro"),
    (ASIAN, FEMALE): ("Mei", "Huong", "Thuy", "Ying", "Jing", "Ngoc", "Xiu", "Yan", "Hoa"),
    (ASIAN, MALE): ("Wei", "Jian", "Hung", "Tuan", "Duc", "Quang", "Jun", "Hao", "Trung"),
}

SURNAMES: dict[str, tuple[str, ...]] = {
    # Bertrand & Mullainathan (2004).
    WHITE: ("Baker", "Kelly", "McCarthy", "Murphy", "Murray", "O'Brien", "Ryan", "Sullivan",
            "Walsh"),
    BLACK: ("Jackson", "Jones", "Robinson", "Washington", "Williams"),
    # U.S. Census Bureau, 2010 surnames (mostly Hispanic / mostly Asian bearers).
    HISPANIC: ("Garcia", "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Perez",
               "Sanchez", "Ramirez"),
    ASIAN: ("Nguyen", "Tran", "Pham", "Chen", "Wang", "Zhang", "Huang", "Kim", "Patel"),
}

SOURCES = (
    "Bertrand & Mullainathan, 'Are Emily and Greg More Employable Than Lakisha and Jamal?', "
    "American Economic Review 94(4), 2004 (White and Black first names and surnames); "
    "Tzioumis, 'Demographic aspects of first names', Scientific Data 5:180025, 2018 "
    "(Hispanic and Asian first names); U.S. Census Bureau, Frequently Occurring Surnames "
    "from the 2010 Census (Hispanic and Asian surnames).")


@dataclass(frozen=True)
class Pronouns:
    """The forms of one pronoun set: subject, object, possessive determiner, possessive
    pronoun, reflexive, honorific; ``plural_verbs`` when verbs take the plural form."""

    label: str
    subject: str
    object: str
    determiner: str
    possessive: str
    reflexive: str
    honorific: str
    plural_verbs: bool = False


HE = Pronouns("he/him", "he", "him", "his", "his", "himself", "Mr.")
SHE = Pronouns("she/her", "she", "her", "her", "hers", "herself", "Ms.")
THEY = Pronouns("they/them", "they", "them", "their", "theirs", "themselves", "Mx.",
                plural_verbs=True)
PRONOUNS_OF_SEX = {FEMALE: SHE, MALE: HE}

# Gendered nouns swapped along with the pronouns: (female form, male form, neutral form).
GENDERED_NOUNS: tuple[tuple[str, str, str], ...] = (
    ("women's", "men's", "people's"),
    ("woman", "man", "person"),
    ("female", "male", "person"),
    ("sorority", "fraternity", "society"),
    ("chairwoman", "chairman", "chairperson"),
    ("spokeswoman", "spokesman", "spokesperson"),
    ("saleswoman", "salesman", "salesperson"),
    ("businesswoman", "businessman", "businessperson"),
)
