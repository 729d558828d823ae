//! Fake but plausible traveller identities for the feed generator: names in the style of
//! each nationality (upper case, as read from a passport's machine-readable zone) and
//! passport numbers in each issuing country's usual shape.
//!
//! Everything here is drawn from a caller-supplied random stream, so an identity is a pure
//! function of the stream's seed; the day simulation uses that to let the same traveller
//! arrive on one day and depart on another with the same passport and name.

use rand::Rng;

use super::rng::{below, unit};

/// How names of a nationality are built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameStyle {
    Anglo,
    Chinese,
    SouthEastAsianChinese,
    Malay,
    Japanese,
    Korean,
    Indian,
    Dutch,
    German,
    French,
    Timorese,
    Papuan,
    Russian,
    Arab,
    Thai,
    Filipino,
    Vietnamese,
    Indonesian,
    /// Singapore: mostly Chinese, then Malay and Indian names.
    Singaporean,
    /// Malaysia: mostly Malay, then Chinese and Indian names.
    Malaysian,
}

fn style_of(nationality: &str) -> NameStyle {
    match nationality {
        "AUS" | "USA" | "GBR" | "CAN" | "NZL" => NameStyle::Anglo,
        "CHN" | "TWN" => NameStyle::Chinese,
        "SGP" => NameStyle::Singaporean,
        "MYS" => NameStyle::Malaysian,
        "BRN" => NameStyle::Malay,
        "JPN" => NameStyle::Japanese,
        "KOR" => NameStyle::Korean,
        "IND" => NameStyle::Indian,
        "NLD" => NameStyle::Dutch,
        "DEU" => NameStyle::German,
        "FRA" => NameStyle::French,
        "TLS" | "PRT" => NameStyle::Timorese,
        "PNG" => NameStyle::Papuan,
        "RUS" => NameStyle::Russian,
        "SAU" => NameStyle::Arab,
        "THA" => NameStyle::Thai,
        "PHL" => NameStyle::Filipino,
        "VNM" => NameStyle::Vietnamese,
        "IDN" => NameStyle::Indonesian,
        _ => NameStyle::Anglo,
    }
}

// Given names are (male, female) pools; surnames are shared.
const ANGLO_M: &[&str] = &[
    "JACK", "WILLIAM", "NOAH", "OLIVER", "JAMES", "THOMAS", "LUCAS", "HENRY", "LIAM", "ETHAN",
    "DANIEL", "MICHAEL", "DAVID", "MATTHEW", "BENJAMIN", "SAMUEL", "JOSHUA", "RYAN",
];
const ANGLO_F: &[&str] = &[
    "OLIVIA",
    "CHARLOTTE",
    "AMELIA",
    "ISLA",
    "MIA",
    "GRACE",
    "CHLOE",
    "EMILY",
    "SOPHIE",
    "ZOE",
    "RUBY",
    "EMMA",
    "SARAH",
    "JESSICA",
    "HANNAH",
    "LAURA",
    "ELLA",
    "LUCY",
];
const ANGLO_S: &[&str] = &[
    "SMITH", "JONES", "WILLIAMS", "BROWN", "WILSON", "TAYLOR", "JOHNSON", "WHITE", "MARTIN",
    "ANDERSON", "THOMPSON", "THOMAS", "WALKER", "HARRIS", "LEE", "RYAN", "ROBINSON", "KELLY",
    "KING", "DAVIS", "MILLER", "CLARK", "WRIGHT", "EVANS", "HUGHES", "GREEN", "HALL", "WOOD",
    "COOPER", "MORGAN", "CAMPBELL", "MITCHELL", "O'BRIEN", "MURPHY", "STEWART", "BAKER",
];
const CHINESE_GIVEN: &[&str] = &[
    "WEI", "FANG", "XIUYING", "NA", "MIN", "JING", "LI", "QIANG", "LEI", "JUN", "YANG", "YONG",
    "YAN", "JIE", "TAO", "MING", "CHAO", "XIA", "HUI", "LAN", "HAO", "YU", "XIN", "YI", "ZIHAN",
    "YUTONG", "HAOYU", "XINYI", "JIAHAO", "SHUANG",
];
const CHINESE_S: &[&str] = &[
    "WANG", "LI", "ZHANG", "LIU", "CHEN", "YANG", "HUANG", "ZHAO", "WU", "ZHOU", "XU", "SUN", "MA",
    "ZHU", "HU", "GUO", "HE", "LIN", "LUO", "GAO", "ZHENG", "LIANG", "XIE", "TANG",
];
const SEA_CHINESE_GIVEN: &[&str] = &[
    "WEI MING",
    "XIN YI",
    "JUN JIE",
    "HUI MIN",
    "KAI WEN",
    "SHU TING",
    "ZHI HAO",
    "JIA HUI",
    "YONG SHENG",
    "MEI LING",
    "KOK WAI",
    "SIEW LING",
    "CHEE KEONG",
    "LAY HOON",
    "BOON HOCK",
    "PEI SHAN",
    "WEN JIE",
    "LI TING",
];
const SEA_CHINESE_S: &[&str] = &[
    "TAN", "LIM", "LEE", "NG", "ONG", "WONG", "GOH", "CHUA", "CHAN", "KOH", "TEO", "ANG", "YEO",
    "TAY", "HO", "LOW", "TOH", "SIM", "CHONG", "CHIA", "LAU", "CHEW",
];
const MALAY_M: &[&str] = &[
    "AHMAD", "MUHAMMAD", "MOHD", "AMIRUL", "HAZIQ", "AIMAN", "HAFIZ", "AZLAN", "ZULKIFLI",
    "SYAFIQ", "IRFAN", "FARHAN", "ISKANDAR", "RIDZUAN",
];
const MALAY_F: &[&str] = &[
    "NUR AISYAH",
    "SITI",
    "NURUL",
    "FARAH",
    "IZZATI",
    "NORAINI",
    "AMIRAH",
    "FATIMAH",
    "AINA",
    "SYAZWANI",
    "HANIS",
    "ZARINA",
    "ROSNAH",
    "ALYA",
];
const MALAY_FATHER: &[&str] = &[
    "ISMAIL", "ABDULLAH", "HASSAN", "IBRAHIM", "OTHMAN", "RAHMAN", "YUSOF", "OMAR", "AZIZ",
    "HAMID", "SALLEH", "KASSIM", "ZAINAL", "HUSSEIN", "JAAFAR", "MAHMUD",
];
const JAPANESE_GIVEN: &[&str] = &[
    "HARUTO", "YUI", "SOTA", "HINA", "REN", "AOI", "YUTO", "MEI", "HIROSHI", "YUKI", "KENJI",
    "AYAKA", "TAKUMI", "SAKURA", "DAIKI", "MISAKI", "SHOTA", "NANAMI",
];
const JAPANESE_S: &[&str] = &[
    "SATO",
    "SUZUKI",
    "TAKAHASHI",
    "TANAKA",
    "WATANABE",
    "ITO",
    "YAMAMOTO",
    "NAKAMURA",
    "KOBAYASHI",
    "KATO",
    "YOSHIDA",
    "YAMADA",
    "SASAKI",
    "YAMAGUCHI",
    "MATSUMOTO",
    "INOUE",
];
const KOREAN_GIVEN: &[&str] = &[
    "MIN JUN", "SEO YEON", "JI HOO", "HA EUN", "DO YUN", "SEO JUN", "JI WOO", "SU AH", "HYUN WOO",
    "JI MIN", "YE JIN", "JOON HO", "EUN JI", "SUNG HO", "DA EUN", "JAE WON",
];
const KOREAN_S: &[&str] = &[
    "KIM", "LEE", "PARK", "CHOI", "JUNG", "KANG", "CHO", "YOON", "JANG", "LIM", "HAN", "OH", "SEO",
    "SHIN", "KWON", "HWANG",
];
const INDIAN_M: &[&str] = &[
    "AARAV", "ROHAN", "VIKRAM", "ARJUN", "RAHUL", "AMIT", "SANJAY", "RAJESH", "KARTHIK", "SURESH",
    "ANIL", "DEEPAK", "VIJAY", "ADITYA",
];
const INDIAN_F: &[&str] = &[
    "PRIYA", "ANANYA", "DEEPA", "SNEHA", "KAVYA", "NEHA", "POOJA", "DIVYA", "LAKSHMI", "ANJALI",
    "MEERA", "SUNITA", "KAVITHA", "RADHA",
];
const INDIAN_S: &[&str] = &[
    "SHARMA", "PATEL", "SINGH", "KUMAR", "GUPTA", "REDDY", "IYER", "NAIR", "MEHTA", "RAO", "JOSHI",
    "VERMA", "DAS", "KAPOOR", "PILLAI", "MENON", "CHOPRA", "BANERJEE",
];
const DUTCH_M: &[&str] = &[
    "DAAN", "SEM", "LUCAS", "MILAN", "BRAM", "THIJS", "JEROEN", "RUBEN", "STIJN", "PIETER",
];
const DUTCH_F: &[&str] = &[
    "EMMA", "JULIA", "SOPHIE", "TESS", "LIEKE", "FLEUR", "ANOUK", "SANNE", "FEMKE", "ANNEKE",
];
const DUTCH_S: &[&str] = &[
    "DE JONG",
    "JANSEN",
    "DE VRIES",
    "VAN DEN BERG",
    "VAN DIJK",
    "BAKKER",
    "VISSER",
    "SMIT",
    "MEIJER",
    "DE BOER",
    "MULDER",
    "BOS",
    "VOS",
    "PETERS",
    "HENDRIKS",
    "VAN LEEUWEN",
];
const GERMAN_M: &[&str] = &[
    "LUKAS",
    "LEON",
    "FINN",
    "JONAS",
    "FELIX",
    "PAUL",
    "STEFAN",
    "MAXIMILIAN",
    "TOBIAS",
    "JAN",
];
const GERMAN_F: &[&str] = &[
    "MIA",
    "HANNAH",
    "EMMA",
    "LENA",
    "ANNA",
    "LEA",
    "KATHARINA",
    "JULIA",
    "SOPHIA",
    "LAURA",
];
const GERMAN_S: &[&str] = &[
    "MUELLER",
    "SCHMIDT",
    "SCHNEIDER",
    "FISCHER",
    "WEBER",
    "MEYER",
    "WAGNER",
    "BECKER",
    "SCHULZ",
    "HOFFMANN",
    "KOCH",
    "RICHTER",
    "KLEIN",
    "WOLF",
    "SCHROEDER",
    "NEUMANN",
];
const FRENCH_M: &[&str] = &[
    "LOUIS", "GABRIEL", "HUGO", "ARTHUR", "JULES", "THEO", "NICOLAS", "ANTOINE", "MAXIME", "PIERRE",
];
const FRENCH_F: &[&str] = &[
    "JADE", "LOUISE", "EMMA", "CHLOE", "MANON", "LEA", "CAMILLE", "INES", "CLARA", "MARIE",
];
const FRENCH_S: &[&str] = &[
    "MARTIN", "BERNARD", "THOMAS", "PETIT", "ROBERT", "RICHARD", "DURAND", "DUBOIS", "MOREAU",
    "LAURENT", "SIMON", "MICHEL", "LEFEBVRE", "LEROY", "ROUX", "FOURNIER",
];
const TIMORESE_M: &[&str] = &[
    "JOAO",
    "JOSE",
    "ANTONIO",
    "DOMINGOS",
    "FRANCISCO",
    "MANUEL",
    "AGOSTINHO",
    "ANACLETO",
    "MARIANO",
    "TOMAS",
    "LUIS",
    "ADELINO",
];
const TIMORESE_F: &[&str] = &[
    "MARIA",
    "ANA",
    "ROSA",
    "TERESA",
    "JOAQUINA",
    "FILOMENA",
    "JULIETA",
    "ISABEL",
    "LUCIA",
    "ANGELINA",
    "CELESTINA",
    "MADALENA",
];
const TIMORESE_S: &[&str] = &[
    "DA COSTA",
    "DOS SANTOS",
    "SOARES",
    "PEREIRA",
    "XIMENES",
    "DE JESUS",
    "GUTERRES",
    "FREITAS",
    "BELO",
    "AMARAL",
    "DA SILVA",
    "MARTINS",
    "PINTO",
    "CARVALHO",
    "DE ARAUJO",
];
const PAPUAN_M: &[&str] = &[
    "JOHN", "PETER", "JOSEPH", "MICHAEL", "PAUL", "SAMUEL", "JAMES", "DAVID", "SIMON", "MARK",
];
const PAPUAN_F: &[&str] = &[
    "MARY",
    "GRACE",
    "ELIZABETH",
    "RUTH",
    "MARTHA",
    "ESTHER",
    "LUCY",
    "ROSE",
    "HELEN",
    "JOYCE",
];
const PAPUAN_S: &[&str] = &[
    "KILA", "WAIGANI", "NAMALIU", "SOMARE", "TOMMY", "KAUPA", "PUKA", "MOROKA", "KAIPU", "AIYO",
    "WAMBI", "KAPI", "NARU", "YAGI", "KOIM", "MAIPE",
];
const RUSSIAN_M: &[&str] = &[
    "ALEKSANDR",
    "DMITRII",
    "IVAN",
    "SERGEI",
    "ANDREI",
    "MIKHAIL",
    "ALEKSEI",
    "NIKOLAI",
    "MAKSIM",
    "ARTEM",
];
const RUSSIAN_F: &[&str] = &[
    "ANNA",
    "MARIIA",
    "ELENA",
    "OLGA",
    "NATALIIA",
    "EKATERINA",
    "IRINA",
    "TATIANA",
    "DARIA",
    "SVETLANA",
];
/// Male forms; the female form adds "A".
const RUSSIAN_S: &[&str] = &[
    "IVANOV",
    "SMIRNOV",
    "KUZNETSOV",
    "POPOV",
    "VASILEV",
    "PETROV",
    "SOKOLOV",
    "MIKHAILOV",
    "NOVIKOV",
    "FEDOROV",
    "MOROZOV",
    "VOLKOV",
];
const ARAB_M: &[&str] = &[
    "MOHAMMED", "ABDULLAH", "FAHAD", "KHALID", "SULTAN", "FAISAL", "SAUD", "TURKI", "NASSER",
    "OMAR",
];
const ARAB_F: &[&str] = &[
    "NOURA", "SARA", "REEM", "LAMA", "HESSA", "MAHA", "AMAL", "HIND", "DANA", "RANA",
];
const ARAB_S: &[&str] = &[
    "AL-OTAIBI",
    "AL-QAHTANI",
    "AL-GHAMDI",
    "AL-HARBI",
    "AL-ZAHRANI",
    "AL-SHEHRI",
    "AL-DOSARI",
    "AL-MUTAIRI",
    "AL-ANAZI",
    "AL-SUBAIE",
];
const THAI_GIVEN: &[&str] = &[
    "SOMCHAI",
    "SOMSAK",
    "MALEE",
    "NIRAN",
    "KANYA",
    "ANAN",
    "PRANEE",
    "WICHAI",
    "SUDA",
    "KITTI",
    "NAPAT",
    "PIMCHANOK",
];
const THAI_S: &[&str] = &[
    "SAETANG",
    "SRISAI",
    "CHAIYAPORN",
    "WONGSAWAT",
    "BOONMA",
    "SUKSAWAT",
    "RATTANA",
    "THONGDEE",
    "KAEWMANEE",
    "SRIWICHAI",
];
const FILIPINO_GIVEN: &[&str] = &[
    "JUAN",
    "MARIA",
    "JOSE",
    "ANGELICA",
    "MARK",
    "KRISTINE",
    "JOHN PAUL",
    "MARICEL",
    "RAFAEL",
    "JOY",
    "CARLO",
    "MARY ANN",
];
const FILIPINO_S: &[&str] = &[
    "DELA CRUZ",
    "SANTOS",
    "REYES",
    "GARCIA",
    "MENDOZA",
    "BAUTISTA",
    "OCAMPO",
    "AQUINO",
    "VILLANUEVA",
    "RAMOS",
    "CASTILLO",
    "FERNANDEZ",
];
const VIETNAMESE_GIVEN: &[&str] = &[
    "VAN AN",
    "THI LAN",
    "MINH DUC",
    "THI HOA",
    "QUOC BAO",
    "THI MAI",
    "DUC ANH",
    "NGOC ANH",
    "VAN HUNG",
    "THI THU",
    "HOANG NAM",
    "BAO NGOC",
];
const VIETNAMESE_S: &[&str] = &[
    "NGUYEN", "TRAN", "LE", "PHAM", "HOANG", "PHAN", "VU", "DANG", "BUI", "DO",
];
const INDONESIAN_GIVEN: &[&str] = &[
    "BUDI", "SITI", "AGUS", "DEWI", "ANDI", "RINA", "HENDRA", "YULIANTI", "RUDI", "SRI", "EKO",
    "WAHYU", "FITRI", "DIAN", "ADI", "NUR", "PUTRI", "RIZKY", "AYU", "DWI", "TRI", "INDAH", "ARIF",
    "RATNA", "BAYU", "LESTARI", "MUHAMMAD", "FAJAR", "NOVI", "YOGI", "MEGA", "IRWAN",
];
const INDONESIAN_S: &[&str] = &[
    "SANTOSO",
    "WIJAYA",
    "SETIAWAN",
    "HIDAYAT",
    "PRATAMA",
    "SAPUTRA",
    "KURNIAWAN",
    "SUSANTO",
    "NASUTION",
    "SIMANJUNTAK",
    "HARAHAP",
    "LUBIS",
    "SIREGAR",
    "WIBOWO",
    "GUNAWAN",
    "HALIM",
    "TANJUNG",
    "PANJAITAN",
    "SIHOMBING",
    "MANURUNG",
    "SALIM",
    "RAHMAWATI",
    "PURNAMA",
    "MAHENDRA",
    "PUTRA",
    "SARI",
    "WULANDARI",
    "NUGROHO",
    "PANGARIBUAN",
    "TAMBUNAN",
];

fn pick<'a, R: Rng + ?Sized>(rng: &mut R, pool: &[&'a str]) -> &'a str {
    pool.get(below(rng, pool.len() as u64) as usize)
        .copied()
        .unwrap_or("X")
}

fn given_surname<R: Rng + ?Sized>(
    rng: &mut R,
    male: &[&str],
    female: &[&str],
    surnames: &[&str],
    out: &mut String,
) {
    let given = if unit(rng) < 0.5 {
        pick(rng, male)
    } else {
        pick(rng, female)
    };
    out.push_str(given);
    out.push(' ');
    out.push_str(pick(rng, surnames));
}

fn surname_given<R: Rng + ?Sized>(
    rng: &mut R,
    given: &[&str],
    surnames: &[&str],
    out: &mut String,
) {
    out.push_str(pick(rng, surnames));
    out.push(' ');
    out.push_str(pick(rng, given));
}

fn write_style<R: Rng + ?Sized>(rng: &mut R, style: NameStyle, out: &mut String) {
    match style {
        NameStyle::Anglo => given_surname(rng, ANGLO_M, ANGLO_F, ANGLO_S, out),
        NameStyle::Chinese => surname_given(rng, CHINESE_GIVEN, CHINESE_S, out),
        NameStyle::SouthEastAsianChinese => {
            surname_given(rng, SEA_CHINESE_GIVEN, SEA_CHINESE_S, out)
        }
        NameStyle::Malay => {
            let male = unit(rng) < 0.5;
            out.push_str(if male {
                pick(rng, MALAY_M)
            } else {
                pick(rng, MALAY_F)
            });
            out.push_str(if male { " BIN " } else { " BINTI " });
            out.push_str(pick(rng, MALAY_FATHER));
        }
        NameStyle::Japanese => surname_given(rng, JAPANESE_GIVEN, JAPANESE_S, out),
        NameStyle::Korean => surname_given(rng, KOREAN_GIVEN, KOREAN_S, out),
        NameStyle::Indian => given_surname(rng, INDIAN_M, INDIAN_F, INDIAN_S, out),
        NameStyle::Dutch => given_surname(rng, DUTCH_M, DUTCH_F, DUTCH_S, out),
        NameStyle::German => given_surname(rng, GERMAN_M, GERMAN_F, GERMAN_S, out),
        NameStyle::French => given_surname(rng, FRENCH_M, FRENCH_F, FRENCH_S, out),
        NameStyle::Timorese => given_surname(rng, TIMORESE_M, TIMORESE_F, TIMORESE_S, out),
        NameStyle::Papuan => given_surname(rng, PAPUAN_M, PAPUAN_F, PAPUAN_S, out),
        NameStyle::Russian => {
            let male = unit(rng) < 0.5;
            out.push_str(if male {
                pick(rng, RUSSIAN_M)
            } else {
                pick(rng, RUSSIAN_F)
            });
            out.push(' ');
            out.push_str(pick(rng, RUSSIAN_S));
            if !male {
                out.push('A');
            }
        }
        NameStyle::Arab => given_surname(rng, ARAB_M, ARAB_F, ARAB_S, out),
        NameStyle::Thai => given_surname(rng, THAI_GIVEN, THAI_GIVEN, THAI_S, out),
        NameStyle::Filipino => given_surname(rng, FILIPINO_GIVEN, FILIPINO_GIVEN, FILIPINO_S, out),
        NameStyle::Vietnamese => surname_given(rng, VIETNAMESE_GIVEN, VIETNAMESE_S, out),
        NameStyle::Indonesian => {
            // Many Indonesians carry a single name; others a given name plus a family or
            // second name.
            out.push_str(pick(rng, INDONESIAN_GIVEN));
            if unit(rng) >= 0.15 {
                out.push(' ');
                out.push_str(pick(rng, INDONESIAN_S));
            }
        }
        NameStyle::Singaporean => {
            let u = unit(rng);
            let style = if u < 0.72 {
                NameStyle::SouthEastAsianChinese
            } else if u < 0.9 {
                NameStyle::Malay
            } else {
                NameStyle::Indian
            };
            write_style(rng, style, out);
        }
        NameStyle::Malaysian => {
            let u = unit(rng);
            let style = if u < 0.6 {
                NameStyle::Malay
            } else if u < 0.9 {
                NameStyle::SouthEastAsianChinese
            } else {
                NameStyle::Indian
            };
            write_style(rng, style, out);
        }
    }
}

/// Appends a plausible upper-case full name for a holder of `nationality` (ISO alpha-3).
pub(crate) fn write_name<R: Rng + ?Sized>(rng: &mut R, nationality: &str, out: &mut String) {
    write_style(rng, style_of(nationality), out);
}

const LETTERS: &[u8] = b"ABCDEFGHJKLMNPRSTUVWXYZ";
const DIGITS: &[u8] = b"0123456789";
const ALNUM: &[u8] = b"0123456789ABCDEFGHJKLMNPRSTUVWXYZ";
/// German passports avoid vowels and ambiguous letters.
const DEU_ALNUM: &[u8] = b"0123456789CFGHJKLMNPRTVWXYZ";

fn push_from<R: Rng + ?Sized>(rng: &mut R, set: &[u8], n: usize, out: &mut String) {
    for _ in 0..n {
        let i = below(rng, set.len() as u64) as usize;
        out.push(char::from(set.get(i).copied().unwrap_or(b'0')));
    }
}

/// Appends a passport number in the usual shape of `nationality`'s passports.
pub(crate) fn write_passport<R: Rng + ?Sized>(rng: &mut R, nationality: &str, out: &mut String) {
    match nationality {
        // Australia: P, N or R followed by a letter and 7 digits (e.g. PA1234567).
        "AUS" => {
            out.push(['P', 'N', 'R'][below(rng, 3) as usize]);
            push_from(rng, LETTERS, 1, out);
            push_from(rng, DIGITS, 7, out);
        }
        // China: E followed by 8 digits, or E, a letter and 7 digits.
        "CHN" => {
            out.push('E');
            if unit(rng) < 0.5 {
                push_from(rng, DIGITS, 8, out);
            } else {
                push_from(rng, LETTERS, 1, out);
                push_from(rng, DIGITS, 7, out);
            }
        }
        // Singapore: K, 7 digits, a check letter.
        "SGP" => {
            out.push('K');
            push_from(rng, DIGITS, 7, out);
            push_from(rng, LETTERS, 1, out);
        }
        // Malaysia and Brunei: a letter and 8 digits.
        "MYS" => {
            out.push(if unit(rng) < 0.85 { 'A' } else { 'H' });
            push_from(rng, DIGITS, 8, out);
        }
        "BRN" => {
            out.push('B');
            push_from(rng, DIGITS, 8, out);
        }
        // Japan and Thailand: two letters and 7 digits.
        "JPN" | "THA" => {
            push_from(rng, LETTERS, 2, out);
            push_from(rng, DIGITS, 7, out);
        }
        // Korea: M and 8 digits.
        "KOR" => {
            out.push('M');
            push_from(rng, DIGITS, 8, out);
        }
        // United States, United Kingdom, Russia, Taiwan: 9 digits.
        "USA" | "GBR" | "RUS" | "TWN" => push_from(rng, DIGITS, 9, out),
        // Netherlands: two letters, 6 letters or digits, a digit.
        "NLD" => {
            push_from(rng, LETTERS, 2, out);
            push_from(rng, ALNUM, 6, out);
            push_from(rng, DIGITS, 1, out);
        }
        // Germany: C and 8 characters.
        "DEU" => {
            out.push('C');
            push_from(rng, DEU_ALNUM, 8, out);
        }
        // France: 2 digits, 2 letters, 5 digits.
        "FRA" => {
            push_from(rng, DIGITS, 2, out);
            push_from(rng, LETTERS, 2, out);
            push_from(rng, DIGITS, 5, out);
        }
        // Philippines: P, 7 digits, a letter.
        "PHL" => {
            out.push('P');
            push_from(rng, DIGITS, 7, out);
            push_from(rng, LETTERS, 1, out);
        }
        // Canada and New Zealand: two letters and 6 digits.
        "CAN" | "NZL" => {
            push_from(rng, LETTERS, 2, out);
            push_from(rng, DIGITS, 6, out);
        }
        // Indonesia: A, B, C, E or X (electronic) and 7 digits.
        "IDN" => {
            out.push(['A', 'B', 'C', 'E', 'X'][below(rng, 5) as usize]);
            push_from(rng, DIGITS, 7, out);
        }
        // Timor-Leste, Papua New Guinea and everyone else: a letter and 7 digits.
        _ => {
            push_from(rng, LETTERS, 1, out);
            push_from(rng, DIGITS, 7, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::rng::SplitMix;

    const ALL: &[&str] = &[
        "AUS", "CHN", "SGP", "MYS", "JPN", "KOR", "IND", "USA", "GBR", "NLD", "DEU", "FRA", "TLS",
        "PNG", "RUS", "SAU", "PHL", "THA", "VNM", "TWN", "CAN", "NZL", "BRN", "IDN", "PRT",
    ];

    #[test]
    fn generate_people_names_and_passports_are_plain_upper_case() {
        let mut rng = SplitMix::new(42);
        for nat in ALL {
            for _ in 0..200 {
                let mut name = String::new();
                write_name(&mut rng, nat, &mut name);
                assert!(name.len() >= 3, "{nat}: {name}");
                assert!(
                    name.chars()
                        .all(|c| c.is_ascii_uppercase() || c == ' ' || c == '-' || c == '\''),
                    "{nat}: {name}"
                );
                let mut passport = String::new();
                write_passport(&mut rng, nat, &mut passport);
                assert!((8..=9).contains(&passport.len()), "{nat}: {passport}");
                assert!(
                    passport
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
                );
            }
        }
    }

    #[test]
    fn generate_people_same_stream_same_identity() {
        let draw = |seed| {
            let mut rng = SplitMix::new(seed);
            let mut s = String::new();
            write_name(&mut rng, "SGP", &mut s);
            write_passport(&mut rng, "SGP", &mut s);
            s
        };
        assert_eq!(draw(9), draw(9));
        assert_ne!(draw(9), draw(10));
    }
}
