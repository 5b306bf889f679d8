"""Word lists for usernames and emails (plain data; no Faker on the hot path)."""

from __future__ import annotations

FIRST_NAMES: tuple[str, ...] = tuple(
    """
    james mary robert patricia john jennifer michael linda david elizabeth william barbara
    richard susan joseph jessica thomas sarah charles karen christopher lisa daniel nancy
    matthew betty anthony sandra mark margaret donald ashley steven kimberly andrew emily
    paul donna joshua michelle kenneth carol kevin amanda brian melissa george deborah
    timothy stephanie ronald rebecca jason sharon edward laura jeffrey cynthia ryan dorothy
    jacob amy gary kathleen nicholas angela eric shirley jonathan emma stephen brenda larry
    pamela justin nicole scott anna brandon samantha benjamin katherine samuel christine
    gregory debra alexander rachel patrick carolyn frank janet raymond maria jack olivia
    dennis heather jerry helen tyler catherine aaron diane jose julie adam victoria nathan
    joyce henry lauren zachary kelly douglas christina peter ruth kyle joan noah virginia
    ethan judith jeremy evelyn christian hannah walter andrea keith megan austin cheryl
    roger jacqueline terry madison sean teresa gerald abigail carl sophia dylan martha
    harold sara jordan gloria jesse janice bryan kathryn lawrence ann arthur isabella
    gabriel judy bruce charlotte logan julia billy grace joe amber alan alice juan jean
    elijah denise willie frances albert danielle wayne marilyn randy natalie mason beverly
    vincent diana liam brittany roy theresa bobby kayla caleb alexis bradley doris russell
    lori lucas tiffany aiko mei priya arjun chen wei yuki hiroshi fatima omar amara kwame
    sofia mateo valentina diego lucia javier camila ines lars freya sven ingrid
    """.split()
)

LAST_NAMES: tuple[str, ...] = tuple(
    """
    smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez
    lopez gonzalez wilson anderson thomas taylor moore jackson martin lee perez thompson
    white harris sanchez clark ramirez lewis robinson walker young allen king wright scott
    torres nguyen hill flores green adams nelson baker hall rivera campbell mitchell carter
    roberts gomez phillips evans turner diaz parker cruz edwards collins reyes stewart
    morris morales murphy cook rogers gutierrez ortiz morgan cooper peterson bailey reed
    kelly howard ramos kim cox ward richardson watson brooks chavez wood james bennett gray
    mendoza ruiz hughes price alvarez castillo sanders patel myers long ross foster jimenez
    powell jenkins perry russell sullivan bell coleman butler henderson barnes gonzales
    fisher vasquez simmons romero jordan patterson alexander hamilton graham reynolds
    griffin wallace moreno west cole hayes bryant herrera gibson ellis tran medina aguilar
    stevens murray ford castro marshall owens harrison fernandez mcdonald woods washington
    kennedy wells vargas henry chen freeman webb tucker guzman burns crawford olson simpson
    porter hunter gordon mendez silva shaw snyder mason dixon munoz hunt hicks holmes
    palmer wagner black robertson boyd rose stone salazar fox warren mills meyer rice
    schmidt garza daniels ferguson nichols stephens soto weaver ryan gardner payne grant
    dunn kelley spencer hawkins arnold pierce hansen peters santos hart bradley knight
    elliott cunningham duncan armstrong hudson carroll lane riley andrews alvarado ray
    delgado berry perkins hoffman johnston matthews pena richards willis carpenter
    lawrence sandoval tanaka sato suzuki yamamoto wang zhang liu singh kumar okafor mensah
    """.split()
)

SEPARATORS: tuple[str, ...] = (".", "_", "")

EMAIL_DOMAINS: tuple[str, ...] = (
    "example.com",
    "example.org",
    "example.net",
    "mail.example.com",
    "genonaut.example",
)

STYLES: tuple[str, ...] = ("anime", "illustration", "photorealistic")

RESOLUTIONS: tuple[str, ...] = (
    "512x512",
    "768x768",
    "1024x1024",
    "1024x768",
    "768x1024",
    "1280x720",
    "1920x1080",
    "1080x1920",
    "2048x2048",
    "2560x1440",
    "3840x2160",
)
