from detente.attributes.places import resolve_place


def test_cities_resolve_to_the_most_populous_with_that_name():
    moscow = resolve_place("Moscow")
    assert moscow.country_code == "RUS" and moscow.geonameid == 524901 and moscow.resolution == 4


def test_landmarks_report_their_city():
    kremlin = resolve_place("the Kremlin")
    assert kremlin.resolved_place == "Kremlin, Moscow" and kremlin.country_code == "RUS"
    assert resolve_place("Élysée Palace").resolved_place.endswith("Paris")


def test_regions_and_countries():
    assert resolve_place("Donbas").country_code == "UKR"
    syria = resolve_place("Syria")
    assert syria.country_code == "SYR" and syria.resolution == 1


def test_unknown_places_are_not_invented():
    assert resolve_place("Narnia") is None


def test_a_country_wins_over_a_town_that_shares_its_name():
    assert resolve_place("Liberia").country_code == "LBR"  # not the town in Costa Rica
    assert resolve_place("Montenegro").country_code == "MNE"  # not the town in Brazil
    singapore = resolve_place("Singapore")  # a city-state stays a city
    assert singapore.country_code == "SGP" and singapore.resolution == 4


def test_cities_are_found_by_their_other_names():
    assert resolve_place("Basra").country_code == "IRQ"  # GeoNames: Basrah
    assert resolve_place("Kiev").resolved_place == "Kyiv"
    assert resolve_place("Rangoon").country_code == "MMR"


def test_a_hinted_country_chooses_between_towns_of_one_name():
    assert resolve_place("Tripoli").country_code == "LBY"  # the most populous
    assert resolve_place("Tripoli", hint=frozenset({"LBN"})).country_code == "LBN"
    # "Kerry met Putin in Moscow": the US named, Moscow still Russia's (not Moscow, Idaho)
    assert resolve_place("Moscow", hint=frozenset({"USA"})).country_code == "RUS"
    assert resolve_place("Syria", hint=frozenset({"USA"})).country_code == "SYR"  # countries are not towns
