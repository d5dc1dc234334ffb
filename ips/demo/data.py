"""The curated demonstration data set.

Ports are real seaports with their UN/LOCODE 2023-2 codes, names, function codes and coordinates
(coordinates and harbor sizes from the NGA World Port Index where it lists the port); the
Container Security Initiative flag follows the published list of CSI ports. Port facilities carry
plausible names and IMO-style numbers (``NLRTM-0001``) but are demonstration records: their risk
designations, trade figures and every contact person, phone number and e-mail address are
invented (e-mail addresses use the reserved ``example.org`` / ``example.gov`` domains).
"""

from __future__ import annotations

from dataclasses import dataclass

from countries.choices import FacilityType, HarborSize, NodeCode, TradeImportance
from ips.roles import Role


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role
    first_name: str
    last_name: str
    title: str
    node: NodeCode | None = None
    phone: str = ""
    aboard_days: int = 0
    """For an IPSLO: how many days ago their current portfolio began."""

    @property
    def email(self) -> str:
        return f"{self.username}@example.gov"


@dataclass(frozen=True)
class DemoFacility:
    name: str
    facility_type: FacilityType
    importance: TradeImportance = TradeImportance.MEDIUM
    lpg: bool = False
    lng: bool = False
    explosives: bool = False
    greater_risk: bool = False


@dataclass(frozen=True)
class DemoPort:
    locode: str
    name: str
    latitude: str
    longitude: str
    facilities: tuple[DemoFacility, ...]
    name_ascii: str = ""
    subdivision: str = ""
    function: str = "1-------"
    status: str = "AI"
    csi: bool = False
    harbor_size: HarborSize | str = ""
    wpi_number: int | None = None


@dataclass(frozen=True)
class DemoCountry:
    iso2: str
    designated_authority: str
    authority_contact: str
    authority_city: str
    embassy_post: str
    embassy_contact: str
    dialling_code: str
    vessel_arrivals: int
    cargo_tonnes: int
    last_five_port_calls: int
    trade_notes: str
    ports: tuple[DemoPort, ...]

    @property
    def authority_email(self) -> str:
        return f"isps.{self.iso2.lower()}@authority.example.org"

    @property
    def embassy_email(self) -> str:
        return f"econ.{self.iso2.lower()}@embassy.example.gov"

    @property
    def authority_phone(self) -> str:
        return f"+{self.dialling_code} 555 0100"

    @property
    def embassy_phone(self) -> str:
        return f"+{self.dialling_code} 555 0140"


# --- People -------------------------------------------------------------------------------------

USERS: tuple[DemoUser, ...] = (
    DemoUser("psa1", Role.PSA1, "Katherine", "Mercer",
             "CAPT, Chief, International Port Security Program (CG-PSA-1)", phone="+1 202 555 0110"),
    DemoUser("lant51", Role.LANT51, "Daniel", "Okafor",
             "CDR, IPS Program Operational Manager (LANT-51)", phone="+1 757 555 0151"),
    DemoUser("viewer", Role.VIEWER, "Laura", "Bennett",
             "CAPT, Captain of the Port, Sector Virginia", phone="+1 757 555 0198"),
    # ACTEUR, Brunssum: Europe, the Near East and Africa.
    DemoUser("ipslo.acteur", Role.IPSLO, "Sarah", "Lindqvist", "LCDR, International Port Security Liaison Officer",
             NodeCode.ACTEUR, "+31 45 555 0121", aboard_days=640),
    DemoUser("ipslo.acteur2", Role.IPSLO, "Marcus", "Bell", "LT, International Port Security Liaison Officer",
             NodeCode.ACTEUR, "+31 45 555 0122", aboard_days=410),
    DemoUser("ipslo.acteur3", Role.IPSLO, "Amina", "Haddad", "International Port Security Liaison Officer (civilian)",
             NodeCode.ACTEUR, "+31 45 555 0123", aboard_days=905),
    DemoUser("ipslo.acteur4", Role.IPSLO, "Thomas", "Reyes", "LCDR, International Port Security Liaison Officer",
             NodeCode.ACTEUR, "+31 45 555 0124", aboard_days=150),
    # FEACT, Fussa: the Indo-Pacific.
    DemoUser("ipslo.feact", Role.IPSLO, "Kenji", "Hall", "LCDR, International Port Security Liaison Officer",
             NodeCode.FEACT, "+81 42 555 0131", aboard_days=520),
    DemoUser("ipslo.feact2", Role.IPSLO, "Priya", "Raman", "LT, International Port Security Liaison Officer",
             NodeCode.FEACT, "+81 42 555 0132", aboard_days=300),
    DemoUser("ipslo.feact3", Role.IPSLO, "Michael", "O'Connell", "CWO4, International Port Security Liaison Officer",
             NodeCode.FEACT, "+81 42 555 0133", aboard_days=760),
    # LANT-512, Portsmouth: the Americas and the Caribbean.
    DemoUser("ipslo.lant512", Role.IPSLO, "Elena", "Vargas", "LCDR, International Port Security Liaison Officer",
             NodeCode.LANT512, "+1 757 555 0141", aboard_days=580),
    DemoUser("ipslo.lant512-2", Role.IPSLO, "James", "Whitaker", "LT, International Port Security Liaison Officer",
             NodeCode.LANT512, "+1 757 555 0142", aboard_days=220),
    DemoUser("ipslo.lant512-3", Role.IPSLO, "Robert", "Chen", "International Port Security Liaison Officer (civilian)",
             NodeCode.LANT512, "+1 757 555 0143", aboard_days=1010),
)

PORTFOLIO_ASSIGNER = "lant51"
"""The demo user who assigns the portfolios and is recorded as the actor of the demo records."""


# --- Countries, ports and facilities ------------------------------------------------------------

F = DemoFacility
T = FacilityType
HIGH, MEDIUM, LOW = TradeImportance.HIGH, TradeImportance.MEDIUM, TradeImportance.LOW

COUNTRIES: tuple[DemoCountry, ...] = (
    # ACTEUR
    DemoCountry(
        "NL", "Ministry of Infrastructure and Water Management, Directorate-General for Mobility",
        "Ms. Anouk de Vries", "The Hague", "U.S. Embassy The Hague", "Mr. Paul Anders", "31",
        1450, 38_500_000, 2_960, "Rotterdam is Europe's largest gateway for U.S.-bound containers and crude.",
        (
            DemoPort("NLRTM", "Rotterdam", "51.9000", "4.4833", (
                F("Maasvlakte II Container Terminal", T.CONTAINER, HIGH),
                F("Europoort Crude Oil Terminal", T.LIQUID_BULK, HIGH, greater_risk=True),
                F("Gate LNG Terminal", T.GAS, HIGH, lng=True, greater_risk=True),
                F("Botlek Chemical Terminal", T.LIQUID_BULK, MEDIUM, lpg=True),
                F("Waalhaven Breakbulk Terminal", T.GENERAL_CARGO, MEDIUM, explosives=True),
            ), subdivision="ZH", function="12345---", status="AF", csi=True, harbor_size=HarborSize.LARGE,
                wpi_number=31140),
            DemoPort("NLAMS", "Amsterdam", "52.3667", "4.9000", (
                F("Passenger Terminal Amsterdam", T.PASSENGER, MEDIUM),
                F("Westpoort Dry Bulk Terminal", T.DRY_BULK, LOW),
            ), function="12345---", status="AF", harbor_size=HarborSize.LARGE, wpi_number=31060),
        ),
    ),
    DemoCountry(
        "BE", "Federal Public Service Mobility and Transport, DG Shipping (Maritime Security)",
        "Mr. Pieter Claes", "Brussels", "U.S. Embassy Brussels", "Ms. Rachel Dunn", "32",
        1020, 21_400_000, 2_110, "Antwerp and Zeebrugge handle most Belgian container and vehicle trade with the U.S.",
        (
            DemoPort("BEANR", "Antwerpen", "51.2167", "4.4000", (
                F("Deurganckdok Container Terminal", T.CONTAINER, HIGH),
                F("Europa Container Terminal", T.CONTAINER, HIGH),
                F("Kallo Chemical Tank Terminal", T.LIQUID_BULK, MEDIUM, lpg=True),
            ), subdivision="VAN", function="12345---", csi=True, harbor_size=HarborSize.LARGE, wpi_number=31250),
            DemoPort("BEZEE", "Zeebrugge", "51.3333", "3.2000", (
                F("Zeebrugge LNG Terminal", T.GAS, MEDIUM, lng=True, greater_risk=True),
                F("Zeebrugge Ro-Ro Terminal", T.RORO, HIGH),
            ), subdivision="VWV", function="1-3-----", csi=True, harbor_size=HarborSize.MEDIUM, wpi_number=31280),
        ),
    ),
    DemoCountry(
        "DE", "Federal Ministry for Digital and Transport, Maritime Security Unit",
        "Dr. Jana Hoffmann", "Bonn", "U.S. Embassy Berlin", "Mr. Steven Kowalski", "49",
        1180, 24_900_000, 2_430, "Hamburg and Bremerhaven carry the bulk of German container and vehicle exports.",
        (
            DemoPort("DEHAM", "Hamburg", "53.5500", "9.9333", (
                F("Burchardkai Container Terminal", T.CONTAINER, HIGH),
                F("Altenwerder Container Terminal", T.CONTAINER, HIGH),
                F("Steinwerder Cruise Center", T.PASSENGER, LOW),
            ), subdivision="HH", function="12345---", status="AF", csi=True, harbor_size=HarborSize.LARGE,
                wpi_number=30780),
            DemoPort("DEBRV", "Bremerhaven", "53.5333", "8.5833", (
                F("Bremerhaven North Container Terminal", T.CONTAINER, HIGH),
                F("Kaiserhafen Auto Terminal", T.RORO, HIGH),
            ), subdivision="HB", function="1234----", status="AF", csi=True, harbor_size=HarborSize.LARGE,
                wpi_number=30810),
        ),
    ),
    DemoCountry(
        "ES", "Ministry of Transport, Directorate General of the Merchant Marine",
        "Mr. Javier Ortega", "Madrid", "U.S. Embassy Madrid", "Ms. Hannah Price", "34",
        760, 11_200_000, 1_690, "Algeciras is a major transshipment hub for U.S.-bound containers.",
        (
            DemoPort("ESALG", "Algeciras", "36.1333", "-5.4333", (
                F("Juan Carlos I Container Terminal", T.CONTAINER, HIGH),
                F("Isla Verde Exterior Container Terminal", T.CONTAINER, MEDIUM),
                F("Algeciras Bunkering Jetty", T.LIQUID_BULK, MEDIUM),
            ), status="AI", csi=True, harbor_size=HarborSize.SMALL, wpi_number=38310),
            DemoPort("ESVLC", "Valencia", "39.4500", "-0.3167", (
                F("Principe Felipe Container Terminal", T.CONTAINER, HIGH),
                F("Valencia Passenger Terminal", T.PASSENGER, LOW),
            ), function="12345---", csi=True, harbor_size=HarborSize.MEDIUM, wpi_number=38480),
        ),
    ),
    DemoCountry(
        "GR", "Ministry of Maritime Affairs and Insular Policy, Port Facility Security Directorate",
        "Cdr. Nikos Papadakis", "Piraeus", "U.S. Embassy Athens", "Mr. Brian Holt", "30",
        230, 3_100_000, 640, "Piraeus is the main eastern Mediterranean transshipment port serving the U.S.",
        (
            DemoPort("GRPIR", "Piraeus", "37.9333", "23.6500", (
                F("Piraeus Container Terminal Pier II", T.CONTAINER, HIGH),
                F("Piraeus Central Passenger Port", T.PASSENGER, MEDIUM),
                F("Perama Fuel Terminal", T.LIQUID_BULK, LOW, lpg=True),
            ), subdivision="I", csi=True, harbor_size=HarborSize.LARGE, wpi_number=42230),
        ),
    ),
    DemoCountry(
        "EG", "Egyptian Authority for Maritime Safety",
        "Capt. Ahmed Farouk", "Alexandria", "U.S. Embassy Cairo", "Ms. Megan Foster", "20",
        330, 4_600_000, 880, "Suez Canal transits make Egyptian ports frequent last ports of call.",
        (
            DemoPort("EGALY", "El Iskandariya (Alexandria)", "31.1667", "29.8333", (
                F("Alexandria Container Terminal", T.CONTAINER, HIGH),
                F("El Dekheila Bulk Terminal", T.DRY_BULK, MEDIUM),
            ), subdivision="ALX", function="1--45---", csi=True, harbor_size=HarborSize.LARGE, wpi_number=45165),
            DemoPort("EGPSD", "Port Said", "31.2667", "32.3000", (
                F("East Port Said Container Terminal", T.CONTAINER, HIGH),
                F("Port Said West Bunkering Berth", T.LIQUID_BULK, LOW),
            ), function="1--4----", harbor_size=HarborSize.LARGE, wpi_number=45140),
        ),
    ),
    DemoCountry(
        "AE", "Ministry of Energy and Infrastructure, Maritime Transport Sector",
        "Mr. Khalid Al Mansoori", "Dubai", "U.S. Embassy Abu Dhabi", "Mr. Victor Alvarez", "971",
        420, 7_800_000, 1_240, "Jebel Ali is the largest container port in the Middle East.",
        (
            DemoPort("AEJEA", "Jebel Ali", "25.0167", "55.0500", (
                F("Jebel Ali Container Terminal 1", T.CONTAINER, HIGH),
                F("Jebel Ali Container Terminal 3", T.CONTAINER, HIGH),
                F("Jebel Ali Petroleum Jetty", T.LIQUID_BULK, MEDIUM, lpg=True, greater_risk=True),
            ), status="QQ", csi=True, harbor_size=HarborSize.LARGE, wpi_number=48276),
        ),
    ),
    DemoCountry(
        "NG", "Nigerian Maritime Administration and Safety Agency (ISPS Implementation Office)",
        "Mr. Emeka Nwosu", "Lagos", "U.S. Mission Nigeria (Abuja)", "Ms. Olivia Grant", "234",
        190, 9_700_000, 410, "Crude oil exports dominate trade with the U.S.",
        (
            DemoPort("NGLOS", "Lagos", "6.4000", "3.4000", (
                F("Apapa Container Terminal", T.CONTAINER, HIGH),
                F("Apapa Bulk Cargo Terminal", T.DRY_BULK, MEDIUM),
                F("Atlas Cove Jetty", T.LIQUID_BULK, MEDIUM, lpg=True, greater_risk=True),
            ), function="1--45---", harbor_size=HarborSize.LARGE, wpi_number=46130),
            DemoPort("NGTIN", "Tincan/Lagos", "6.3500", "3.3500", (
                F("Tin Can Island Container Terminal", T.CONTAINER, MEDIUM),
                F("Tin Can Island Ro-Ro Terminal", T.RORO, MEDIUM),
            ), status="QQ", harbor_size=HarborSize.VERY_SMALL, wpi_number=46131),
        ),
    ),
    DemoCountry(
        "ZA", "South African Maritime Safety Authority",
        "Ms. Thandiwe Mokoena", "Pretoria", "U.S. Embassy Pretoria", "Mr. Jonathan Reed", "27",
        380, 6_300_000, 720, "Vehicle, mineral and fruit exports; Durban is a CSI port.",
        (
            DemoPort("ZADUR", "Durban", "-29.8667", "31.0667", (
                F("Durban Container Terminal Pier 2", T.CONTAINER, HIGH),
                F("Maydon Wharf Multipurpose Terminal", T.MULTIPURPOSE, MEDIUM, explosives=True),
                F("Island View Liquid Bulk Terminal", T.LIQUID_BULK, MEDIUM, lpg=True, greater_risk=True),
            ), subdivision="KZN", function="12345---", csi=True, harbor_size=HarborSize.LARGE, wpi_number=46850),
            DemoPort("ZACPT", "Cape Town", "-33.9167", "18.4167", (
                F("Cape Town Container Terminal", T.CONTAINER, MEDIUM),
                F("Cape Town Cruise Terminal", T.PASSENGER, LOW),
            ), subdivision="WC", function="12345---", status="AF", harbor_size=HarborSize.LARGE, wpi_number=46770),
        ),
    ),
    # FEACT
    DemoCountry(
        "SG", "Maritime and Port Authority of Singapore, Port Security Department",
        "Mr. Tan Wei Ming", "Singapore", "U.S. Embassy Singapore", "Ms. Claire Morgan", "65",
        1660, 19_800_000, 4_150, "The world's busiest transshipment hub; a last port of call for many U.S. arrivals.",
        (
            DemoPort("SGSIN", "Singapore", "1.2667", "103.8333", (
                F("Pasir Panjang Container Terminal", T.CONTAINER, HIGH),
                F("Tuas Port Container Terminal", T.CONTAINER, HIGH),
                F("Singapore LNG Terminal", T.GAS, HIGH, lng=True, greater_risk=True),
                F("Marina Bay Cruise Centre", T.PASSENGER, MEDIUM),
            ), function="1--45---", csi=True, harbor_size=HarborSize.LARGE),
        ),
    ),
    DemoCountry(
        "JP", "Ministry of Land, Infrastructure, Transport and Tourism, Ports and Harbours Bureau",
        "Mr. Hiroshi Tanaka", "Tokyo", "U.S. Embassy Tokyo", "Mr. Andrew Collins", "81",
        2110, 31_600_000, 3_870, "Vehicles, machinery and electronics; five CSI ports.",
        (
            DemoPort("JPYOK", "Yokohama", "35.4500", "139.5833", (
                F("Honmoku Container Terminal", T.CONTAINER, HIGH),
                F("Minami-Honmoku Container Terminal", T.CONTAINER, HIGH),
                F("Osanbashi Passenger Terminal", T.PASSENGER, LOW),
            ), subdivision="14", function="12345---", status="AF", csi=True, harbor_size=HarborSize.LARGE,
                wpi_number=61390),
            DemoPort("JPTYO", "Tokyo", "35.6667", "139.7500", (
                F("Oi Container Terminal", T.CONTAINER, HIGH),
                F("Shinagawa Container Terminal", T.CONTAINER, MEDIUM),
            ), subdivision="13", function="12345---", status="AF", csi=True, harbor_size=HarborSize.LARGE,
                wpi_number=61380),
        ),
    ),
    DemoCountry(
        "CN", "Ministry of Transport, Department of Water Transport (Port Security)",
        "Mr. Li Jun", "Beijing", "U.S. Embassy Beijing", "Ms. Emily Sanders", "86",
        3920, 142_000_000, 6_800, "The largest source of containerized imports into the U.S.",
        (
            DemoPort("CNSGH", "Shanghai", "31.2167", "121.5000", (
                F("Yangshan Deep-Water Container Terminal", T.CONTAINER, HIGH),
                F("Waigaoqiao Container Terminal", T.CONTAINER, HIGH),
                F("Wusongkou International Cruise Terminal", T.PASSENGER, LOW),
            ), subdivision="SH", function="12345---", status="AS", csi=True, harbor_size=HarborSize.LARGE,
                wpi_number=59970),
            DemoPort("CNYTN", "Yantian Pt", "22.5833", "114.2667", (
                F("Yantian International Container Terminal", T.CONTAINER, HIGH),
                F("Yantian General Cargo Wharf", T.GENERAL_CARGO, LOW),
            ), subdivision="GD", status="AS", csi=True, harbor_size=HarborSize.SMALL, wpi_number=57857),
        ),
    ),
    DemoCountry(
        "KR", "Ministry of Oceans and Fisheries, Maritime Safety and Security Policy Bureau",
        "Mr. Park Min-jun", "Sejong", "U.S. Embassy Seoul", "Mr. Daniel Weiss", "82",
        1830, 27_300_000, 3_240, "Busan is a CSI port and a major transshipment hub for U.S. trade.",
        (
            DemoPort("KRPUS", "Busan", "35.1000", "129.0333", (
                F("Busan New Port Container Terminal", T.CONTAINER, HIGH),
                F("Gamman Container Terminal", T.CONTAINER, MEDIUM),
                F("Busan International Passenger Terminal", T.PASSENGER, LOW),
            ), subdivision="26", function="1234567-", status="AF", csi=True, harbor_size=HarborSize.LARGE,
                wpi_number=60390),
        ),
    ),
    DemoCountry(
        "IN", "Directorate General of Shipping, Maritime Security Cell",
        "Capt. Rajesh Iyer", "Mumbai", "U.S. Embassy New Delhi", "Ms. Sophia Klein", "91",
        640, 10_400_000, 1_380, "Containerized textiles, pharmaceuticals and machinery.",
        (
            DemoPort("INNSA", "Jawaharlal Nehru (Nhava Sheva)", "18.9500", "72.9500", (
                F("Jawaharlal Nehru Port Container Terminal", T.CONTAINER, HIGH),
                F("Nhava Sheva Liquid Cargo Jetty", T.LIQUID_BULK, MEDIUM, lpg=True),
            ), subdivision="MH", status="AA", harbor_size=HarborSize.MEDIUM, wpi_number=48845),
        ),
    ),
    DemoCountry(
        "AU", "Department of Home Affairs, Cyber and Infrastructure Security Centre (Maritime Security)",
        "Ms. Olivia Hartley", "Canberra", "U.S. Embassy Canberra", "Mr. Nathan Brooks", "61",
        560, 8_900_000, 980, "Containerized and bulk trade; cruise traffic to the U.S. West Coast.",
        (
            DemoPort("AUSYD", "Sydney", "-33.8667", "151.2000", (
                F("Port Botany Container Terminal", T.CONTAINER, HIGH),
                F("Overseas Passenger Terminal", T.PASSENGER, MEDIUM),
                F("Port Botany Bulk Liquids Berth", T.LIQUID_BULK, MEDIUM, lpg=True, greater_risk=True),
            ), subdivision="NSW", function="12345---", status="AC", harbor_size=HarborSize.LARGE, wpi_number=53650),
        ),
    ),
    DemoCountry(
        "PH", "Office for Transportation Security, Maritime Security Division",
        "Mr. Ramon dela Cruz", "Manila", "U.S. Embassy Manila", "Ms. Grace Tolbert", "63",
        310, 4_200_000, 760, "Electronics and agricultural exports; crew changes for U.S.-bound ships.",
        (
            DemoPort("PHMNL", "Manila", "14.5833", "120.9667", (
                F("Manila International Container Terminal", T.CONTAINER, HIGH),
                F("Manila South Harbor", T.MULTIPURPOSE, MEDIUM),
            ), function="1--45---", harbor_size=HarborSize.LARGE, wpi_number=58370),
        ),
    ),
    DemoCountry(
        "MY", "Marine Department Malaysia, Maritime Security Unit",
        "Mr. Ahmad Faizal", "Port Klang", "U.S. Embassy Kuala Lumpur", "Mr. Ryan Patel", "60",
        490, 6_700_000, 1_520, "Port Klang is a CSI port and a regional transshipment hub.",
        (
            DemoPort("MYPKG", "Port Klang (Pelabuhan Klang)", "3.0000", "101.4000", (
                F("Westports Container Terminal", T.CONTAINER, HIGH),
                F("Northport Multipurpose Terminal", T.MULTIPURPOSE, MEDIUM),
            ), subdivision="10", function="123-5---", status="RL", csi=True, harbor_size=HarborSize.LARGE,
                wpi_number=49930),
        ),
    ),
    # LANT-512
    DemoCountry(
        "PA", "Autoridad Maritima de Panama, Directorate of Ports and Maritime Auxiliary Industries",
        "Mr. Luis Castillo", "Panama City", "U.S. Embassy Panama City", "Ms. Karen Whitfield", "507",
        2310, 17_500_000, 5_900, "Canal transits and transshipment: the most frequent last port before the U.S. Gulf.",
        (
            DemoPort("PAMIT", "Manzanillo", "9.3667", "-79.8833", (
                F("Manzanillo International Terminal", T.CONTAINER, HIGH),
                F("Coco Solo Container Terminal", T.CONTAINER, MEDIUM),
            ), function="123-----", status="AI", csi=True),
            DemoPort("PABLB", "Balboa", "8.9500", "-79.5667", (
                F("Balboa Container Terminal", T.CONTAINER, HIGH),
                F("Rodman Cruise Terminal", T.PASSENGER, LOW),
                F("Balboa Fuel Terminal", T.LIQUID_BULK, MEDIUM, lpg=True),
            ), csi=True, harbor_size=HarborSize.MEDIUM, wpi_number=15410),
        ),
    ),
    DemoCountry(
        "BR", "National Commission for Public Security in Ports, Terminals and Waterways (CONPORTOS)",
        "Mr. Rafael Souza", "Brasilia", "U.S. Embassy Brasilia", "Mr. Kevin Marsh", "55",
        1160, 29_800_000, 2_050, "Grain, ore, coffee and fuel; Santos is a CSI port.",
        (
            DemoPort("BRSSZ", "Santos", "-23.9500", "-46.3000", (
                F("Santos Container Terminal", T.CONTAINER, HIGH),
                F("Alemoa Liquid Bulk Terminal", T.LIQUID_BULK, MEDIUM, lpg=True, greater_risk=True),
                F("Santos Grain Terminal", T.DRY_BULK, HIGH),
            ), subdivision="SP", function="123--6--", status="AA", csi=True, harbor_size=HarborSize.LARGE,
                wpi_number=12970),
        ),
    ),
    DemoCountry(
        "CO", "Direccion General Maritima (DIMAR), Port Facility Security Office",
        "Capt. Andres Rojas", "Bogota", "U.S. Embassy Bogota", "Ms. Jennifer Lowe", "57",
        1330, 22_100_000, 2_780, "Coal, crude, flowers and coffee; Cartagena is a CSI port and cruise call.",
        (
            DemoPort("COCTG", "Cartagena", "10.4167", "-75.5333", (
                F("Manga Container and Cruise Terminal", T.MULTIPURPOSE, HIGH),
                F("Contecar Container Terminal", T.CONTAINER, HIGH),
                F("Mamonal Industrial Terminal", T.LIQUID_BULK, MEDIUM, lpg=True),
            ), function="1--4----", csi=True, harbor_size=HarborSize.MEDIUM, wpi_number=11910),
        ),
    ),
    DemoCountry(
        "JM", "Maritime Authority of Jamaica, Port Security Unit",
        "Mr. Andre Campbell", "Kingston", "U.S. Embassy Kingston", "Mr. Thomas Greer", "1 876",
        900, 3_400_000, 2_100, "Kingston is a CSI port and a Caribbean transshipment hub.",
        (
            DemoPort("JMKIN", "Kingston", "17.9667", "-76.7833", (
                F("Kingston Freeport Terminal", T.CONTAINER, HIGH),
                F("Kingston Wharves Multipurpose Terminal", T.MULTIPURPOSE, MEDIUM, explosives=True),
            ), function="1--45---", csi=True, harbor_size=HarborSize.MEDIUM, wpi_number=10770),
        ),
    ),
    DemoCountry(
        "MX", "Secretaria de Marina, Unit of Harbour Master Offices and Maritime Affairs",
        "VAdm. Hector Salinas", "Mexico City", "U.S. Embassy Mexico City", "Ms. Laura Kim", "52",
        4230, 61_000_000, 7_300, "Vehicles, fuel and general cargo across the Gulf of Mexico and the Pacific.",
        (
            DemoPort("MXZLO", "Manzanillo", "19.0500", "-104.3167", (
                F("Manzanillo Specialized Container Terminal", T.CONTAINER, HIGH),
                F("Manzanillo LNG Terminal", T.GAS, MEDIUM, lng=True, greater_risk=True),
            ), subdivision="COL", function="1-34----", status="AI", harbor_size=HarborSize.MEDIUM, wpi_number=15770),
            DemoPort("MXVER", "Veracruz", "19.2000", "-96.1333", (
                F("Veracruz Container Terminal", T.CONTAINER, HIGH),
                F("Veracruz Automotive Terminal", T.RORO, HIGH),
                F("Veracruz Bulk Terminal", T.DRY_BULK, LOW),
            ), subdivision="VER", function="1-345---", harbor_size=HarborSize.MEDIUM, wpi_number=9380),
        ),
    ),
    DemoCountry(
        "DO", "Autoridad Portuaria Dominicana, Port Protection Directorate",
        "Mr. Manuel Herrera", "Santo Domingo", "U.S. Embassy Santo Domingo", "Mr. Eric Lawson", "1 809",
        1110, 6_900_000, 2_240, "Caucedo is a CSI port; LNG imports and U.S. apparel trade.",
        (
            DemoPort("DOCAU", "Caucedo", "18.4167", "-69.6333", (
                F("Multimodal Caucedo Container Terminal", T.CONTAINER, HIGH),
                F("Andres LNG Terminal", T.GAS, MEDIUM, lng=True, greater_risk=True),
            ), subdivision="01", function="1-3--6--", status="RL", csi=True),
        ),
    ),
    DemoCountry(
        "BS", "Port Department, Ministry of Transport and Housing",
        "Ms. Denise Rolle", "Nassau", "U.S. Embassy Nassau", "Mr. Michael Dorsey", "1 242",
        2630, 5_100_000, 3_900, "Cruise calls and Freeport transshipment; Freeport is a CSI port.",
        (
            DemoPort("BSFPO", "Freeport, Grand Bahama", "26.5167", "-78.7833", (
                F("Freeport Container Port", T.CONTAINER, HIGH),
                F("Freeport Harbour Cruise Terminal", T.PASSENGER, MEDIUM),
                F("South Riding Point Oil Terminal", T.LIQUID_BULK, LOW),
            ), function="1--4----", csi=True, harbor_size=HarborSize.SMALL, wpi_number=9985),
        ),
    ),
    DemoCountry(
        "CL", "Directorate General of the Maritime Territory and Merchant Marine (DIRECTEMAR)",
        "Capt. Felipe Munoz", "Valparaiso", "U.S. Embassy Santiago", "Ms. Rebecca Stone", "56",
        440, 7_600_000, 910, "Copper, fruit and wine exports to the U.S.",
        (
            DemoPort("CLSAI", "San Antonio", "-33.5833", "-71.6167", (
                F("San Antonio Terminal Internacional", T.CONTAINER, HIGH),
                F("Puerto Central Multipurpose Terminal", T.MULTIPURPOSE, MEDIUM),
            ), subdivision="VS", function="123-----", harbor_size=HarborSize.SMALL, wpi_number=14470),
        ),
    ),
)
