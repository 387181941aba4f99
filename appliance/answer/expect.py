"""What kind of answer a question asks for (a quantity in some unit, a name, a time), and whether a sentence has one.

Classic question answering types the expected answer before looking for it: "How much does the gripper weigh?"
is answered by a sentence stating a mass, not by the sentence about the gripper that is most similar in words.
The same test tells a near-topic question apart: a handout that gives the gripper's pressure but no temperature
does not answer "What is its maximum operating temperature?".
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|"
    "eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|dozen|half|"
    "once|twice"
)
NUMBER = rf"(?:\d+(?:[.,]\d+)*|\b(?:{NUMBER_WORDS})\b)"
# A minus sign before a number (typed, typeset as U+2212 or spelt "minus"), not a range's hyphen ("10-40 °C").
SIGN = r"(?:(?<![\w.])[-\u2212]|\bminus\s+)"
ANY_NUMBER = re.compile(NUMBER, re.IGNORECASE)

DURATION_UNITS = (
    r"ms|millisec\w*|µs|microsec\w*|s|secs?|seconds?|mins?|minutes?|h|hrs?|hours?|days?|weeks?|months?|years?|"
    r"semesters?|terms?"
)
# Degrees of no scale: "90°", "360 degrees", not "40 °C" or "50 degrees Celsius".
SCALE = r"\s*(?:celsius|centigrade|fahrenheit|kelvin|[CFK])(?!\w)"
ANGLE_UNITS = rf"°(?!{SCALE})|degrees?(?!{SCALE})|deg|rad|radians?"
# Not nm: "2.5 Nm" is a torque as often as "650 nm" a wavelength.
LENGTH_UNITS = (
    r"mm|cm|m|km|metres?|meters?|millimet\w*|centimet\w*|kilomet\w*|µm|um|microns?|micromet\w*|inch(?:es)?|feet|foot|"
    r"ft|yards?|yd|miles?"
)
# Currencies' codes, written after a price or before it ("49 EUR", "CHF 40").
CURRENCY_CODES = r"eur|usd|gbp|chf|sek|nok|dkk|pln|czk|jpy|inr|aud|nzd"
# A laser's 5 mW, a spindle's 0.8 hp, a transformer's 500 VA.
POWER_UNITS = r"[mk]?w|watts?|milliwatts?|kilowatts?|hp|horsepower|k?va"
VOLTAGE_UNITS = r"[mk]?v(?:\s?(?:dc|ac))?|(?:milli|kilo)?volts?"  # 5 V, 12 VDC, 230 V AC, 3300 millivolts
CURRENT_UNITS = r"m?a|amps?|amperes?|milliamps?|milliamperes?"
HERTZ = r"[kmg]?hz|(?:kilo|mega|giga)?hertz"  # 50 Hz, 2 kHz, 100 MHz, 1.2 GHz, 433 megahertz
FRAMES = r"fps"  # a camera's 54 fps: frames per second
# 50 N·m, 2.5 Nm, 300 mN·m; a hobby servo's 9.4 kgf·cm or 130 oz·in
TORQUE_UNITS = r"[mk]?n[·⋅.\s-]?m|newton[\s-]?met\w*|kgf?[·⋅.\s-]?cm|oz[·⋅.\s-]?in"
VOLUME_UNITS = r"l|litres?|liters?|ml|millilit\w*|m³|m3|cubic \w+"
MASS_UNITS = r"[km]?g|(?:milli)?grams?|kilo(?:gram)?s?|(?:kilo)?grammes?|tonnes?|tons?|lbs?"
AREA_UNITS = r"m²|m2|cm²|mm²|square \w+"
# A file's size: "at most 2 GB", "500 MB".
DATA_UNITS = r"[kmgt]i?b|bytes?|(?:kilo|mega|giga|tera)bytes?"
# A text's or a talk's length: "30 to 50 pages", "3000 words", "12 slides".
DOCUMENT_UNITS = r"pages?|words|characters|slides"
# A time of day after its hour: the ":00" of "10:00", the "am" of "9 am".
CLOCK_UNITS = r":\d\d|[ap]\.?m\.?|o'clock"
HOURS_OF = r"(?:opening|office|lab|consultation|visiting|business|working|support|help ?desk|library)\s+(?:hours|times)"
# Hours are a span: they begin or end at a time ("from 2 pm", "10:00 to 14:00", "open until 17:00", "9–12"); a
# session "at 15:10" is an event, no hours.
SPAN = re.compile(r"\b(?:from|until|till|to|open|opens|closes|hours)\b|\d\s*[–-]\s*\d", re.IGNORECASE)
# A verb a student does, not a measure asked for: "reach" and "move" after "i", "we", "you", "they" or "to".
DONE_BY = r"(?<!\bi )(?<!\bwe )(?<!\byou )(?<!\bthey )(?<!\bto )"
# Each dimension: the question words that ask for it, and the units a sentence states it in (after a number).
# Ordered from specific to generic: "temperature range" asks for a temperature, not a length.
DIMENSIONS: list[tuple[str, str, str]] = [
    # A sensor's range is in what it senses: a gyroscope's ±2000 °/s, an accelerometer's ±16 g, a magnetometer's
    # µT; not the package's millimetres.
    (
        "sensing",
        r"(?:gyro\w*|acceleromet\w*|magnetomet\w*|full[- ]?scale|measuring|measurement)\s+range",
        r"°/s|deg/s|dps|rad/s|g|m/s²|m/s2|µT|uT|mT|gauss",
    ),
    # how fast something changes is a rate, whatever changes: "How quickly does the chamber change temperature?"
    # how fast a loop runs or a head spins is a frequency
    # a conveyor's 150 mm/s, a CNC feed's 600 mm/min, a network's 100 Mbit/s
    (
        "speed",
        r"fast|speed|velocity|quickly",
        rf"(?:mm|cm|km|m)/(?:s|min|h)|km/h|mph|rpm|(?:°|deg|rad)/s|[kmg]?bits?/s|[kmg]?bps|{HERTZ}|"
        r"(?:\w+ )?per (?:second|minute|hour)|/s",
    ),
    # A temperature names its scale: a bare "360 degrees" or "90°" is an angle in a robotics course.
    (
        "temperature",
        # "How cold can it go?" asks how low its temperature goes, as "how heavy" asks for a mass; a "temp" is a
        # temperature, but for a temporary file, folder or job.
        r"temperatures?|temps?(?!\s+(?:files?|folders?|director(?:y|ies)|data|storage|contracts?|jobs?|workers?))|"
        r"how (?:cold|hot|warm|cool)\b|cold(?:er|est)|hott(?:er|est)|warm(?:er|est)",
        rf"(?:°|degrees?){SCALE}|celsius|centigrade|kelvin|fahrenheit|[CFK]",
    ),
    # A joint's range of motion is in degrees ("J3 elbow: ±135°"), not a length's "range".
    (
        "angle",
        r"angles?|angular|field of view|how many degrees|range of (?:motion|movement|rotation)|"
        r"(?:motion|joint|rotation|rotational) ranges?|"
        r"how far (?:can|does|do|will) .{0,40}?(?:rotate|turn|swivel|tilt)",
        ANGLE_UNITS,
    ),
    ("humidity", r"humidity", r"%|per ?cent|percent"),
    # not "charge": in a lab a battery is charged far more often than a student; "how much is a sheet of ABS?"
    # asks its price, as a thing bought is asked after
    (
        "money",
        # a budget, a grant or an allowance is a sum, however big: "how big is the budget" ("Budget: 60 EUR"); not
        # how long a grant is paid
        r"cost|costs|price|fee|fees|deposit|pay|fine|money|how much (?:is|are) (?:a|an|one)|"
        # but what a student is charged for something, or the charge for it, is a sum
        r"(?:is|are|am|be|get|gets|was|were) charged (?:for|if|when)\b|\bthe charge (?:for|if|when)\b|"
        r"(?:how (?:big|large|high|much)|what)(?:'s| is| are) (?:the |a |an |my |our |your )?(?:[\w-]+ )?"
        r"(?:budgets?|grants?|allowances?|funding|refunds?)\b",
        rf"£|\$|€|¥|₹|pounds?|dollars?|euros?|pence|cents?|francs?|yen|rupees?|kr|kronor|kroner|{CURRENCY_CODES}",
    ),
    # What a piece of coursework counts for is its share of the grade; not its points, which may be a part's ("up to
    # 40 points for the task succeeding" for what the whole demonstration is worth).
    (
        "share",
        # not a word count's "for": "max word count for the internship report" asks for a number of words
        r"percent|percentage|proportion|worth|(?<!word )(?<!page )(?<!character )counts?\s+(?:for|towards?)|"
        r"weight(?:ed|ing)?\s+in|weighted|weighting",
        r"%|per ?cent|percent",
    ),
    # Handouts spell the unit out as often as not: "111 kilopascals", "950 millibars" (not "bars": a chart has those).
    ("pressure", r"pressure", r"bar|millibars?|mbar|psi|[kh]?pa|mpa|(?:kilo|mega|hecto)?pascals?"),
    # A power supply is chosen by its voltage and current as much as by its watts: "a 12 V, 2 A adapter".
    (
        "supply",
        r"power\s+(?:suppl(?:y|ies)|adapters?|bricks?)|psus?|mains\s+adapters?",
        rf"{VOLTAGE_UNITS}|{CURRENT_UNITS}|{POWER_UNITS}",
    ),
    ("voltage", r"volts?|voltage", VOLTAGE_UNITS),
    # A question naming the current asks for amps though it says "draw"; one naming the power, for watts, or for a
    # share of the full power ("never above 85 % power"); one saying only "draw" or "consume", for either.
    ("current", r"current|amps?", CURRENT_UNITS),
    # Not a thing named for its power: "how long do I hold the power button" asks for seconds, no watts.
    (
        "power",
        r"power(?![\s-]+(?:buttons?|switch|switches|cables?|cords?|leads?|sockets?|outlets?|banks?|tools?|packs?|"
        r"strips?|rails?|leds?|lights?|cycles?|plugs?|bricks?|adapters?|supply|supplies|on|off|up|down))|watts?",
        rf"{POWER_UNITS}|(?:%|per ?cent)\s+(?:of\s+(?:its\s+|the\s+)?(?:full\s+|maximum\s+)?)?power",
    ),
    ("draw", r"draws?|consumes?|consumption", rf"{POWER_UNITS}|{CURRENT_UNITS}"),
    ("force", r"force|forces|grip|squeeze", r"k?n|newtons?|kilonewtons?"),
    # a flow, a throughput: so much per unit of time ("12 litres per minute", "85 litres every minute", "8-10 l/min")
    (
        "rate",
        r"rate|flow|throughput|(?:per|every|each|a|an) (?:second|minute|hour|day)",
        rf"(?:\w+ )?(?:per|every|each|a|an) (?:second|minute|hour|day)|[a-zµ³]{{0,3}}/(?:s|min|h)|{HERTZ}|{FRAMES}",
    ),
    ("torque", r"torques?", TORQUE_UNITS),
    # What a thing can take, in whatever it takes: a tank's litres, a payload's kilograms, a torque sensor's N·m, a
    # battery's mAh, a room's people.
    (
        "capacity",
        r"capacity|capacities",
        rf"{VOLUME_UNITS}|{MASS_UNITS}|{TORQUE_UNITS}|m?ah|k?wh|people|persons?|students?|seats?",
    ),
    # How big a thing is: its lengths, area or volume. "How big is the capture volume?" asks for a size; the volume
    # is the thing measured ("5 m by 4 m and 2.5 m high"), as the biggest part a printer prints is its build volume.
    (
        "size",
        r"how big|how large|dimensions?|footprint|(?<=what )size|(?<=which )size|^size|"
        r"(?:biggest|largest|smallest)\s+(?:part|object|piece|print|model|item|box|parcel|package|sheet|board)s?",
        rf"{LENGTH_UNITS}|{AREA_UNITS}|{VOLUME_UNITS}|{DATA_UNITS}",
    ),
    # how much of a liquid is its volume ("the least amount of water in the kettle": "at least 20 L of liquid"), the
    # liquid still a thing the sentence must name
    (
        "volume",
        r"volume|litres?|liters?|"
        r"(?:how much|amount of|quantity of)(?=\s+(?:[a-z]+\s+)?(?:water|liquid|oil|resin|coolant|fuel|ethanol|"
        r"alcohol|acid|solvent|solution|sanitiser|sanitizer|glycol|isopropanol|ipa)\b)",
        VOLUME_UNITS,
    ),
    ("wavelength", r"wavelength", r"nm|nanomet\w*|µm|micromet\w*"),
    # how loud: a sound level in decibels, 52 dB(A); an IMU's "noise density" is no sound
    ("loudness", r"loud|louder|loudest|loudness|noise level|noisy|decibels?|db", r"db\(?a\)?|decibels?"),
    ("frequency", r"frequency|hz|bandwidth", rf"{HERTZ}|{FRAMES}|(?:times|scans|cycles|samples) (?:per|a) second|/s"),
    (
        "mass",
        r"weigh|weighs|weight|mass|heavy|heavier|heaviest|payload|load|kilograms?|grams?|"
        r"how much (?:weight |mass )?(?:can|could|will|does|do|may) (?:[\w-]+ ){0,3}(?:lift|carry|hold)",
        MASS_UNITS,
    ),
    # A report's word or page limit, or its word count, is a number of words or pages.
    ("document", r"(?:word|page|character|slide)s?[ -](?:limits?|counts?)", DOCUMENT_UNITS),
    ("recurrence", r"how often", r"times|(?:a|per|an) (?:day|week|month|year|hour)"),
    # a mix's or a gear's ratio is stated as one number to another: "mixed 10:1 by weight", "ratio 1:212" (not
    # an hour's minutes, "14:00")
    ("ratio", r"ratios?", r":\s?(?![0-5]\d(?!\d))\d+(?:[.,]\d+)?(?![\d:])"),
    # Opening and office hours are times of day ("10:00 to 16:00", "9 am"), not a length of time.
    ("clock", HOURS_OF, CLOCK_UNITS),
    # "What time does the nightly backup run?" asks for a time of day: "every night at 02:00" (an oscilloscope's
    # "time/div" is a setting).
    # (Matched on the "what ..." phrase, "time ", and on the question, for the words asking it.)
    ("hour", r"^time(?!\s*/)|(?<=what )time(?!\s*/)|(?<=which )time(?!\s*/)", CLOCK_UNITS),
    # "How long is the stroke?" asks for a length, "How long is the loan?" for a time: either answers.
    # So is "How long should the report be?", in pages or words, and a follow-up's "how long can it be?" before the
    # words it carries; "How long can a print be left?" asks for a time.
    (
        "extent",
        r"how long (?:is|are|was|were)|"
        # (what it carries in a lookahead: "the lab 3 report" is what is asked about, no word asking for a length)
        r"how long (?:should|must|can|may|will|does|do|has to|have to) (?=(?:[\w'-]+ ){1,5}be(?:\W*$|\s*\?))",
        rf"{DURATION_UNITS}|{LENGTH_UNITS}|{DOCUMENT_UNITS}",
    ),
    (
        "duration",
        # not a numbered or a named one: "is there a seminar in week 11", "in reading week" ask whether, not how long
        r"how long|how early|in advance|ahead|"
        r"(?:hours?|minutes?|days?|(?<!reading )(?<!exam )(?<!revision )(?<!induction )weeks?|months?)(?!\s*\d)|"
        r"duration|period|"
        r"last|lasts|borrowed|lent|time\s+(?:limits?|allowed)|"
        # a time a thing takes, named for it: "max wall time" of a cluster's partition, a printer's "print time"
        r"runtime|(?:wall|run|running|charge|charging|print|printing|cure|curing|dry|drying|cool|cooling|warm-up|"
        r"heat-up|lead|wait|waiting|travel|exposure|response|settling|boot|start-up|setup|set-up)[\s-]+times?",
        DURATION_UNITS,
    ),
    (
        "length",
        # how close or near one may come is a distance kept ("Keep your hands at least 30 cm from the guard")
        r"long|far|how\s+(?:close|near)|length|distance|range|wide|width|tall|high|height|deep|depth|diameter|thick|stroke|"
        # an actuator's travel, not a travel grant or travel costs; an arm's reach, not what a student may reach or
        # move ("can i reach under the heater", "do i need to move the robot")
        r"travel(?=\s*(?:$|[?.!,]|(?:of|is|range|distance|length|does|do|has|have)\b))|"
        rf"{DONE_BY}(?:reach|move|moves)",
        LENGTH_UNITS,
    ),
]
# Dimensions taking the units of others: an extent is a length or a duration, a draw a power or a current, a
# capacity, a size, a sensor's range and a power supply any of several; an hour asked for is a clock's, and a
# ratio's "10:1" is read as a clock's "10:15" is.
EITHER = ("extent", "draw", "capacity", "size", "sensing", "supply", "hour", "ratio")
# Words allowed between a number and its unit ("40 operating hours"), and before a rate's "per day".
UNIT_WORDS = 2
RATE_WORDS = 6
# How often something happens can be said without a number ("every Monday", "weekly", "after each use"): "every"
# or "each" before a time, or an occasion, not before a thing ("at every station", "each jaw"); a slide's time in
# short ("Sampling: every 10 min").
OCCASIONS = (
    r"(?:second|sec|minute|min|hour|hr|day|night|morning|afternoon|evening|week|weekday|weekend|fortnight|month|quarter|year|"
    r"semester|term|session|lesson|lecture|class|shift|use|time|run|visit|cycle|batch|print|job|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?"
)
RECURRING = (
    rf"\b(?:every|each)\s+(?:(?:other|second|third|few|{NUMBER})\s+(?:[a-z-]+\s+)?)?{OCCASIONS}\b|"
    r"\b(?:daily|weekly|fortnightly|monthly|yearly|annually|hourly|nightly|once an?|twice an?)\b"
)
# Two numbers sharing the unit after them: "0.6 to 1.5 metres", "9 by 6 mm" (x, the multiplication sign, dashes).
JOINED = "(?:to|and|or|by|x|\u00d7|-|\u2013)"
# Units of one dimension at other scales, each with its spellings: a symbol as written, its name in any case.
SCALES = [
    ("mass", "kg", r"kg|(?i:kilo(?:gram)?s?|kilogrammes?)"),
    ("mass", "g", r"g|(?i:grams?|grammes?)"),
    ("mass", "mg", r"mg|(?i:milligrams?)"),
    ("length", "km", r"km|(?i:kilomet(?:re|er)s?)"),
    ("length", "m", r"m|(?i:met(?:re|er)s?)"),
    ("length", "cm", r"cm|(?i:centimet(?:re|er)s?)"),
    ("length", "mm", r"mm|(?i:millimet(?:re|er)s?)"),
    ("length", "µm", r"µm|um|(?i:micro(?:met(?:re|er)|n)s?)"),
    ("time", "h", r"h|(?i:hours?|hrs?)"),
    ("time", "min", r"min|(?i:minutes?|mins)"),
    ("time", "s", r"s|(?i:seconds?|secs?)"),
    ("time", "ms", r"ms|(?i:milliseconds?)"),
    ("time", "µs", r"µs|us|(?i:microseconds?)"),
    ("voltage", "kV", r"kV|(?i:kilovolts?)"),
    ("voltage", "V", r"V|(?i:volts?)"),
    ("voltage", "mV", r"mV|(?i:millivolts?)"),
    ("current", "A", r"A|(?i:amps?|amperes?)"),
    ("current", "mA", r"mA|(?i:milliamps?|milliamperes?)"),
    ("power", "kW", r"kW|(?i:kilowatts?)"),
    ("power", "W", r"W|(?i:watts?)"),
    ("power", "mW", r"mW|(?i:milliwatts?)"),
    ("frequency", "GHz", r"GHz|(?i:gigahertz)"),
    ("frequency", "MHz", r"MHz|(?i:megahertz)"),
    ("frequency", "kHz", r"kHz|(?i:kilohertz)"),
    ("frequency", "Hz", r"Hz|(?i:hertz)"),
]
# A currency sign comes before its number, and a currency's code may ("CHF 40"); not CAD, a lab's design software.
MONEY_FIRST = rf"(?:[£$€¥₹]|\b(?:{CURRENCY_CODES})\b)\s*{NUMBER}"
# Nothing to pay is a price too: "free of charge", "for free", "Printing is free", "at no cost"; not "free of dust".
FREE = (
    r"\bfree of charge\b|\bfor free\b|\b(?:is|are|be|stays?|remains?)\s+free\b(?!-|\s+(?:of|from)\b)|"
    r"\bno\s+(?:charge|fee|fees|cost)\b|\bat\s+no\s+(?:extra\s+|additional\s+)?cost\b|\bcosts?\s+nothing\b"
)
PAID = f"{MONEY_FIRST}|{FREE}"
# How fast people act is how soon: "The tutors answer questions on the forum within two working days" says how fast
# they reply, in no speed's units.
WITHIN = rf"\bwithin\s+{NUMBER}\s+(?:working\s+|school\s+|calendar\s+)?(?:second|minute|hour|day|week)s?\b"
# One of a span said with its article: "An extension is for a week at most", "each slot is an hour". Not a rate's
# ("twice a day", "three times a week", "once an hour": how often, not how long).
A_SPAN = (
    r"(?<!\bonce )(?<!\btwice )(?<!\btimes )(?<!\bper )\b(?:a|an)\s+"
    r"(?:hour|day|week|fortnight|month|year|semester|term)\b(?!\s+(?:ago|before|after|ahead|later|earlier)\b)"
)
# What is counted may come before its number, as a label's or a limit's ("Seats: 24", "Seats | 24", "places are
# limited to 36"), a label's detail in brackets between ("Mooring chain (15 m) | 2"), when no unit follows the number
# ("Places are 3 km away").
MEASURED = rf"%|°|(?:{LENGTH_UNITS}|{MASS_UNITS}|{DURATION_UNITS})\b"
COUNT_FIRST = (
    rf"\b(?:{{units}})(?:\s*\([^()]*\))?\s*(?::|\||=|(?:is|are)(?:\s+(?:limited|restricted|capped))?(?:\s+to)?)"
    rf"\s*{NUMBER}\b"
    rf"(?!\s*(?:{MEASURED}))"
)
# A question asking for an amount at all; its dimension (if any) comes from DIMENSIONS.
QUANTITY = re.compile(
    r"\bhow (?:much|many|long|far|often|fast|big|large|heavy|high|tall|wide|deep|old|close|near)\b|"
    r"\b(?:maximum|minimum|max|min|limit|number of|amount of|size of)\b|\bweigh",
    re.IGNORECASE,
)
# "How many students": the thing counted, which the answer counts ("six students", "a two-finger gripper").
NOT_COUNTED = (
    r"times|of|do|does|did|is|are|was|were|can|could|will|would|should|may|might|must|have|has|in|on|at|for|"
    r"allowed|needed|required|permitted|used"
)
DIGIT = re.compile(r"\d")
# (After the code of the course or thing they are of: "how many rbt284 labs" counts labs, not "rbt".)
OF_CODE = r"(?:\s+[a-z]+-?\d[\w-]*)?"
# A student's "max kids per group" counts kids as "how many" does: a bound before a plural noun.
COUNTING = r"(?:how many|number of|(?:max|maximum|min|minimum)(?=\s+[a-z]{2,}[a-z](?<![su])s\b))"
COUNTED = re.compile(rf"\b{COUNTING}{OF_CODE}((?:\s+(?!(?:{NOT_COUNTED})\b)[a-z][a-z-]+\b){{1,3}})", re.IGNORECASE)
# The first word counted ("people" of "how many people per team"), which a sentence counting it says.
COUNTED_FIRST = re.compile(rf"\b{COUNTING}{OF_CODE}\s+[a-z][a-z-]+\b", re.IGNORECASE)
PLURAL = re.compile(r"[a-z]{3}(?<![su])s$")  # "kits", "pens": not "bus", "glass"
COUNT_STEM = 4  # letters of the counted word kept to match its other forms: "batter" for batteries and battery
# People counted in general ("how many people") are counted by whatever the material calls them: "teams of at most
# three students", "no more than six visitors".
PEOPLE = frozenset("people ppl persons person individuals".split())
PERSONS = (
    r"people|ppl|persons?|individuals?|students?|pupils?|learners?|members?|users?|visitors?|participants?|attendees?|"
    r"adults?|children|staff|engineers?|operators?|pilots?|spotters?|technicians?|teachers?|instructors?"
)
# People counted by the size of their group: "Students work in teams of four" for "how many people in a team".
GROUP_OF = rf"\b(?:teams?|groups?|pairs?|crews?)\s+of\s+(?:up to\s+|at most\s+|at least\s+)?{NUMBER}\b"
# Room for people counted in whichever word the material uses: "how many spots" is answered by "places are limited
# to 36", "how many seats" by "24 places".
ROOM = frozenset("spot spots place places seat seats slot slots space spaces".split())
ROOMS = r"spots?|places?|seats?|slots?|spaces?"
# Marks are counted in points as often: "loses 5 percentage points for each working day" for "how many marks do you
# lose per day"; not in a share of the grade ("Lab report 3: 10 percent" gives no marks).
MARKS = frozenset("mark marks point points".split())
MARKED = r"(?:percentage\s+)?points?|marks?"
# A day: "3 June", "June 3rd", "03/06/2027", "Monday".
MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
# Whole names only where no day stands beside it: MONTH's "mar" would make "in marketing" a date.
MONTH_NAME = r"(?:january|february|march|april|may|june|july|august|september|october|november|december)"
PERIOD = (
    r"(?:week|month|term|semester|year|course|(?:lecture|exam|examination|teaching|registration) period|"
    # a session's start: "at the start of the next lab session", "by the end of the last lecture"
    r"(?:(?:next|first|last|final)\s+)?(?:lab|lecture|class|tutorial|seminar)(?:\s+session)?|"
    r"(?:next|first|last|final)\s+session)"
)
# A teaching week said in a word: "week six", "weeks four and five".
TEACHING_WEEK = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
# A day may also be given as a month ("in January", "December 2026"), a teaching week ("week 11"), a time before or
# after something ("within 7 days of the grade", "two weeks before the exam") or a period's edge ("the end of the
# semester"): what a deadline in a course's rules is written as.
DATE = re.compile(
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH}(?!\w)|\b{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b|"
    r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b|\b(?:mon|tues|wednes|thurs|fri|satur|sun)days?\b|"
    rf"\b(?:in|by|until|till|before|after|from|during|early|late|mid-?|end of|start of|beginning of)\s+{MONTH_NAME}\b|"
    rf"\b{MONTH_NAME}\s+\d{{4}}\b|\b(?:weeks?|wks?\.?)\s+(?:\d{{1,2}}|{TEACHING_WEEK})\b|"
    rf"\bwithin\s+{NUMBER}\s+(?:working\s+|calendar\s+|school\s+)?(?:days?|weeks?|months?|hours?)\b|"
    rf"\b{NUMBER}\s+(?:working\s+|calendar\s+|school\s+)?(?:days?|weeks?|months?|hours?)\s+(?:before|after|ahead of)\b|"
    # a day told by another: "by 12:00 on the working day before the trip"
    r"\b(?:the|a)\s+(?:working\s+|school\s+)?(?:day|evening|night|week)\s+(?:before|after)\b|"
    rf"\b(?:end|start|beginning|middle|first day|last day|first week|last week)\s+of\s+(?:the\s+)?"
    rf"(?:(?:spring|autumn|fall|summer|winter)\s+)?{PERIOD}\b|"
    # a day counted in its month: "by the third working day of the following month"
    r"\b(?:first|second|third|fourth|fifth|last|\d{1,2}(?:st|nd|rd|th))\s+(?:working\s+|school\s+|calendar\s+)?"
    r"(?:day|weekday|monday|tuesday|wednesday|thursday|friday)\s+of\s+(?:the|each|every|a)\b",
    re.IGNORECASE,
)
DATED = re.compile(
    r"\b(?:what|which) (?:date|day)\b|\bwhen (?:is|are|was|were|does|do)\b.*\b(?:due|held)\b|"
    # "In which weeks is the kit used?" asks when, as "on which day" does; "How many weeks" asks how long.
    r"\b(?:what|which) (?:weeks?|months?|semesters?|terms?)\b|"
    # "By when do I have to upload my slides?" asks for a deadline, as "when is it due" does.
    r"\bdeadline\b|\bby when\b",
    re.IGNORECASE,
)
# The words of DATED that ask for a date (its other words name the subject: "the report").
ASKS_DATE = re.compile(r"\b(?:date|day|due|held|deadline|weeks?|months?|semesters?|terms?)\b", re.IGNORECASE)
# A question asking whether one can or does ("can i charge my lipo with the lab power supply") asks for no value,
# whatever it names; unless it asks how much, how many or for a limit (QUANTITY). Not "is there a fee ...", which
# asks for the sum if there is one; but "is it ok to ...", "am i allowed to ...", "is the store open in reading
# week?" (whether, not for how many weeks).
POLAR = re.compile(
    r"^\W*(?:can|could|may|might|do|does|did|will|would|should|must|"
    r"is\s+it\s+(?:ok|okay|alright|allowed|possible|fine)|am\s+i|are\s+we\s+allowed|"
    r"(?:is|are|was|were)\s+(?:the|this|that|these|those|my|our|your|a|an|any)\b(?!.*\b(?:how|what|which)\b)|"
    # and after a condition: "if im off sick for a week do i need a sick note?"
    r"if\b(?:(?!\b(?:how|what|when|where|which|who|why)\b)[^?])*?\b(?:can|could|may|do|does|will|should|must)\s+"
    r"(?:i|we|you)\b)",
    re.IGNORECASE,
)
# Whether a thing costs anything is answered by its price, or by its being free: "do the lockers cost anything" by
# "each takes a £1 coin".
COSTS_WHETHER = re.compile(r"\W*(?:do|does|did|will|would)\b[^?]*?\bcosts?\b", re.IGNORECASE)
# How far a thing sees, detects or goes is its range: "how far can the rover's laser see?" is answered by "range
# 0.05 m to 12 m", which says what "see" asked.
FAR_DONE = re.compile(
    r"\bhow\s+far\b(?:\s+[\w']+){0,5}?\s+(see|detect|sense|measure|hear|go|travel|drive|fly|throw|transmit)\b",
    re.IGNORECASE,
)
# What time one may come to do a thing is the hours of the place it is done at: "what time can I pick our stuff up
# from the store?" is answered by "The store is open Monday to Friday 09:30–12:00 ...", which says what "pick" asked.
TIME_DONE = re.compile(
    r"\bwhat\s+time\b.*?\b(?:can|could|do|should|may)\s+(?:i|we|you)\s+"
    r"(pick|collect|return|borrow|drop|come|visit|bring|fetch)\b",
    re.IGNORECASE,
)
# A question after what happened ("we broke a propeller yesterday during the test. who do we tell?") asks what its
# last sentence asks; the sentences before it say what about.
ASKED_LAST = re.compile(
    r"(?<=[.!?])\s+((?:who|whom|whose|what|which|where|when|why|how|can|could|may|do|does|did|is|are|should|must|"
    r"will|would)\b[^.!?]*\??)\s*$",
    re.IGNORECASE,
)
# A follow-up's first words going on from the question before: "and where can I see ...?" asks where.
LEAD_IN = re.compile(r"^\W*(?:and|also|so|but|ok|okay)\b[\s,]*(?=\w)", re.IGNORECASE)
# A question word run together with its "is", as students type it: "whens the field day", "wheres the binder".
RUN_TOGETHER = re.compile(r"\b(what|where|when|who|how)s\b", re.IGNORECASE)
# When asks for a moment, which this module types only as a date (DATED); it asks for no dimension's value.
PLACE_OR_TIME = re.compile(r"^\s*(?:where|when)\b", re.IGNORECASE)
# What a "what ..." or "which ..." question names as asked for: the words before its verb ("which solder wire
# diameter", "what rate"); none in "What is the range ...?", where the verb comes first.
AUXILIARY = r"is|are|was|were|do|does|did|can|could|should|will|would|has|have|had|must|may|might"
ASKED = re.compile(rf"\b(?:what|which)\s+((?:(?!(?:{AUXILIARY})\b)[\w-]+\s+)*?)(?:{AUXILIARY})\b", re.IGNORECASE)
# The weight of what is graded, before or after it: an exam's, a report's, a project's part of the grade.
GRADED = (
    r"\b(?:exams?|examinations?|midterms?|finals?|quiz(?:zes)?|assignments?|homework|coursework|reports?|essays?|"
    r"presentations?|participation|attendance|projects?|portfolios?|components?)\b"
)
GRADED_WEIGHT = re.compile(rf"\bweight(?:s|ing)?\b(?=.*{GRADED})|{GRADED}(?=.*\bweight(?:s|ing)?\b)", re.IGNORECASE)
# Who asks for a person or organisation; "what ... name/model/class/code" for a name or a code.
PERSON = re.compile(r"^\s*(?:who|whom|whose)\b|\bwho\s+(?:is|are|was|were)\b", re.IGNORECASE)
NAMED = re.compile(
    r"\bwhat\s+(?:is\s+the\s+)?(?:\w+\s+)?(?:name|model|class|code|type|brand|grade)\b|\b(?:e-?mail|address)\b",
    re.IGNORECASE,
)
# "What colour is the emergency stop?" asks for a colour: a sentence naming none ("PLA filament of 1.75 mm") does not
# answer it, as a walkthrough's filament question was answered with the diameter. A colour temperature is in kelvin,
# a colour depth in bits: no colour.
COLOURED = re.compile(
    r"\b(?:what|which)\s+colou?rs?\b(?!\s+(?:temperature|depth|space|balance|profile|mode|channel|code)s?\b)|"
    r"\bcolou?rs?\s+(?:is|are|was|were|does|do|should|must|of)\b",
    re.IGNORECASE,
)
COLOUR = re.compile(
    r"\b(?:red|orange|yellow|green|blue|purple|violet|pink|brown|black|white|grey|gray|silver|gold|golden|beige|"
    r"cyan|magenta|turquoise|navy|transparent|translucent|colou?rless)(?:ish)?\b",
    re.IGNORECASE,
)
# "Which booking system?" asks for a name; "Which wire diameter?" for a length. "Which pin ...?" may be answered by
# the pin's number: "Use pin 2".
WHICH = re.compile(r"^\s*which\s+([a-z][\w-]*)", re.IGNORECASE)
# A choice offered ("which calibration comes first, offset or crosstalk?", "which of the two arms has the newer
# firmware?") is answered by the sentence saying which, in whatever words: no name the question lacks.
CHOICE = re.compile(
    r"\b[\w-]+,?\s+or\s+(?:the\s+)?[\w-]+\W*$|^\W*which\s+of\s+(?:the\s+)?(?:two|three|both|\d)\b",
    re.IGNORECASE,
)
# A number to call: "what's the emergency number", "what number do i ring"; "his extension", "the extension of the
# store", not an extension of time ("How do I ask for an extension?", "extension").
PHONED = re.compile(
    r"(?:\b(?:his|her|their|its|whose|what|which)\s+|'s\s+)extension\b|\bthe\s+extension\s+(?:of|for)\s+the\b|"
    r"\bextension\s+(?:number|no)\b|"
    r"\b(?:(?:tele)?phone(?:\s+extension)?|ext|mobile number|emergency number|hotline|"
    r"number (?:(?:do|should|can|must) (?:i|we|you) |to )(?:call|ring|dial))\b",
    re.IGNORECASE,
)
# A mobile number is no office extension, nor an extension a mobile: "First aider: Lorcan Vettridge, extension
# 4471" gives no mobile number.
# Each line: the question's words asking for it (their first PREFIX letters, as `Expected.words` keeps them) and
# how a sentence gives a number on it.
PHONE_LINES = (
    (frozenset({"mobil", "cell", "cellp"}), re.compile(r"\b(?:mobile|cell(?:phone)?)\b", re.IGNORECASE)),
    (frozenset({"exten", "ext"}), re.compile(r"\b(?:extension|ext\.?)\s*(?:no\.?\s*)?\d", re.IGNORECASE)),
)
# A number to call: a phone number or an extension ("extension 4417", "0172 448 903"), not a code's digits
# (RBT-260), a week (week 12), a year, a date or a decimal.
PHONE = re.compile(r"(?<![\w.,/-])(?!\d{4}-\d\d-\d\d|(?:19|20)\d\d\b)\+?\d(?:[ ()/-]?\d){2,}(?![\w.,/-]?\d)(?!\w)")
# An address to write to: "what's fenna tolvane's email", "the TA's e-mail address"; answered by an address, not
# by any name (a row's "Fenna Tolvane | LM-309" names her and her room).
EMAILED = re.compile(r"\b(?:e-?mail|mail)(?:\s+address)?\b", re.IGNORECASE)
EMAIL_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Who to call, phone or contact: a person, or a number to call.
CALLED = re.compile(r"\bwho\b.*\b(?:call|phone|ring|contact|text)\b", re.IGNORECASE)
# Whom to turn to: the material answers with a name or with a role ("An extension is granted only by the lead TA.",
# "tell campus security at once"), where "who designed the gripper" wants a name.
TURNED_TO = re.compile(
    r"\bwho\s+(?:do|should|can|could|must|shall|would)\s+(?:i|we|you)\s+(?:ask|tell|contact|talk|speak|go|turn|"
    r"report|write|e-?mail|inform|notify|see|call|phone|ring|text|complain)\b|"
    r"\bwho\s+(?:is|are|'s)\s+(?:in charge|responsible)\b|\bwho\s+(?:grants|approves|signs|decides)\b|"
    # whose duty or right a thing is: "who has to act as spotter", "who may use the lathe" ("one team member acts as
    # spotter", "only staff may use it")
    r"\bwho\s+(?:has|have|needs?|is\s+allowed|are\s+allowed|gets?)\s+to\b|"
    r"\bwho\s+(?:must|may|can|should)\s+(?!(?:i|we|you)\b)",
    re.IGNORECASE,
)
ROLE = re.compile(
    r"\b(?i:the|your|our|campus|course|lab|university|department|faculty|one|a|an|another|each|every|only)\s+"
    r"(?:[\w-]+\s+){0,2}?"
    r"(?:TAs?|tutors?|team members?|members? of staff|staff members?|staff|demonstrators?|technicians?|"
    r"coordinators?|supervisors?|managers?|office|security|porters?|desk|"
    r"lecturers?|instructors?|teachers?|professors?|administrators?|helpdesk|stewards?|officers?|advis[eo]rs?|"
    r"mentors?|librarians?|library|caretakers?|reception|secretar(?:y|iat)|wardens?|marshals?|first aiders?|"
    r"organi[sz]ers?|examiners?|assistants?|committee|dean|head of)\b"
)
# Whose job a thing is, asked with its verb in the present ("who marks the lab books"): a role answers it when the
# sentence says the role does that ("The lab books are marked by the demonstrators"); any role does not ("Who
# manufactures the gripper?" is not answered by "the technician fits it").
MIN_DUTY_STEM = 3  # letters of a kin's stem read as the start of a word: "led" for "lead", not "do"
DUTY = re.compile(
    r"\bwho\s+(?!(?:does|says|lives|likes|wants|needs|knows|thinks)\b)([a-z]{2,}?[^s\W])(?:(?<=ch|sh|ss)es|s)\b",
    re.IGNORECASE,
)
# A change by a factor: its answer is a number of no unit, whatever quantity it changes.
FACTOR = re.compile(r"\bmultipl\w*|\bfactor\b|\bhow many times (?:more|less|as|faster|slower|bigger)\b", re.I)
# A number that names rather than counts: its digits are the answer whatever its form.
# A code asked for: a part number, or a machine's address on the network ("what's its IP address?").
CODED = re.compile(r"\b(?:(?:part|serial|room|model|order) number|ip(?:\s+address)?|mac\s+address)\b", re.IGNORECASE)
# "What is force closure?" asks what a term means, though a measure's word begins it: the term's last word names no
# measure ("What is the gripper force?" asks for a force). A term is a few words and no preposition: "the price of
# the arm" and "the opening hours on Friday" name a property of something.
TERM_WORD = r"(?!(?:of|on|in|at|for|with|from|per|to|by|during|when|if)\b)[\w-]+"
DEFINED = re.compile(
    rf"^\s*what\s+(?:is|are)\s+(?:an?\s+|the\s+)?((?:{TERM_WORD}\s+){{0,3}}?({TERM_WORD}))\s*\??\s*$", re.IGNORECASE
)
# Questions asking how or why something is, not for a value, though they name a dimension ("How does a lidar
# measure distance?").
EXPLAIN = re.compile(
    r"\b(?:why|explain|describe|happens?|mean|means|purpose|difference|compare|how (?:do|does|did|can|should|to))\b|"
    r"\bwhat (?:do|does|did)\b.*\bdo\b",
    re.IGNORECASE,
)
# A why-question asks for a reason, never a value, though it names one ("why is there a limit on how much participants
# get paid"): its answer is the sentence giving the reason, which states no amount.
REASON = re.compile(r"^\W*why\b", re.IGNORECASE)
# A name or code in a sentence: a capitalised word not opening it, or a word mixing letters and digits (VB-2231).
NAME = re.compile(r"(?<=[\s(\"'])[A-Z][\w-]*[a-z0-9][\w-]*|\b(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[\w-]+\b")
CODE = re.compile(rf"{NAME.pattern}|\b\d[\d -]*\d\b")
# A network address: 10.42.7.13, fe80::1 is left to the name.
NETWORK_ADDRESS = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.]*\d)")
# A person or an organisation: two or more capitalised words without digits (Ilse Marrow, Halvorsen Robotics),
# or a title or an initial and a name (Dr. Varga, A. Ferreira-Knox); one capitalised word is as likely a product
# (Vexmoor) as a maker, unless a sentence asks, borrows or hears from it ("borrow a key from Jonas", "ask Priya"),
# or names it as the one doing what it says ("guest lecture by HalvorBrennock", a scan's name run together), and it
# ends there, not before a noun it names ("from Vexmoor boxes").
CAPITALISED = r"[A-Z][a-z][\w'-]*\b(?![\w-]*\d)"
# What a "by" ends a sentence with when it says when, not who ("due by Friday", "by March", "by Christmas"), or a
# title whose name follows its full stop ("designed by Dr. Ilse Varga").
NOT_AN_AGENT = (
    rf"(?i:{MONTH_NAME}|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|(?:mon|tues|wednes|thurs|fri|satur|sun)day"
    r"|christmas|easter|noon|midnight|then|now|tomorrow|today|tonight|dr|prof|mr|mrs|ms|st)"
)
NAME_ENDS = r"(?=\s*(?:[.,;:!?)]|$)|\s+(?:and|or|on|at|in|for|to|by|who|before|after|if|when|first)\b)"
PERSON_NAME = re.compile(
    rf"\b(?!(?:The|A|An|This|That|These|Those|It|Its|Each|Every|Our|Your|If|When|After|Before)\b)"
    rf"{CAPITALISED}(?:\s+{CAPITALISED})+|\b(?:Dr|Prof|Professor|Mr|Mrs|Ms|[A-Z])\.?\s+{CAPITALISED}"
    rf"|\b(?:from|ask|asks|contact|contacts|tell|tells|email|emails)\s+{CAPITALISED}{NAME_ENDS}"
    rf"|\bby\s+(?!{NOT_AN_AGENT}\b){CAPITALISED}{NAME_ENDS}"
    rf"|\b(?:go|goes|talk|speak|write|report|turn|come|comes)\s+to\s+{CAPITALISED}{NAME_ENDS}"
)
# A thing "by" a person says who does it: "guest lecture by HalvorBrennock" says who gives the guest lecture; "The
# lab books are collected by the demonstrators" says nothing of who marks them, a verb before its "by".
THING_BY_PERSON = re.compile(rf"\b([a-z]{{3,}})\s+by\s+(?:(?:Dr|Prof|Mr|Mrs|Ms)\.?\s+)?{CAPITALISED}")
# Where asks for a place: a room or building code, a name, or a phrase placing something.
PLACE = re.compile(r"^\s*where\b", re.IGNORECASE)
# A numbered place ("in drawer 2", "on shelf 3") or one said in a word ("upstairs", "at reception") places it too.
AT_PLACE = re.compile(
    r"\b(?:in|into|at|beside|next to|behind|under|underneath|inside|outside|near|opposite|above|below|on|onto)\s+"
    r"(?:the|a|an|room|building|our|your|its|[a-z]+\s+\d+\b)\b|"
    r"\b(?:upstairs|downstairs|next door|at reception|on campus|off campus)\b",
    re.IGNORECASE,
)
# A date, a year or an hour of the clock, which a capitalised or numbered word of a place is not.
WHEN = re.compile(rf"{DATE.pattern}|\b(?:19|20)\d\d\b|\b\d{{1,2}}(?:{CLOCK_UNITS})", re.IGNORECASE)
# What an abbreviation stands for: "what does ToF stand for", "what does AED mean" (a word written with two capitals
# or more: "what does calibration mean" asks what a term means), "what is ROS short for".
STANDS_FOR = re.compile(
    r"\bwhat\s+(?:does|do|did|is|was)\s+(?:the\s+|an?\s+)?([A-Za-z][A-Za-z0-9&]{1,7})\s+(?:stand(?:s|ing)?\s+for|"
    r"short\s+for|abbreviat\w*)\b|\bwhat\s+(?:does|do|did)\s+(?:the\s+|an?\s+)?((?=(?:\w*[A-Z]){2})[A-Za-z][A-Za-z0-9&]{1,7})"
    r"\s+mean\b"
)
# Small words an expansion may skip: "Society of Automotive Engineers" is SAE.
SKIPPED = frozenset("of and the for to in on a an".split())
# Words an expansion before its brackets is read over: as many as its letters, and up to two small ones more
# ("Society of Automotive Engineers (SAE)").
SPAN_SKIPPED = 3


# A question comparing two things ("which is heavier, the T4 or the T2?", "is the V8 more accurate than the V5", "what
# is the difference between the quiz and the exam?"): the material states each one's value in a sentence of its
# own, which no one sentence covers, and the answer is the two. A thing is a code ("V8", "RB-12"), else a word or
# the words up to the end of the phrase.
THING_CODE = r"[^\W\d_]{1,5}-?\d[\w.-]*\b"
ONE_THING = rf"(?:{THING_CODE}|[^\W\d_][\w-]*)"
# Never a number: "more than 3 days", "between 10 and 12" compare no things.
THING_TO_END = rf"(?!\d)(?:{THING_CODE}|[^,;?.!]+?(?=\s*(?:[,;?.!]|$)))"
ARTICLE = r"(?:the\s+|an?\s+)?"
# The words a comparison's predicate starts with, after the thing compared: "the quiz worth more than", "the depth
# hold worth more points than" (a thing of two words).
COMPARATIVES = (
    r"more|less|fewer|heavier|lighter|faster|slower|cheaper|bigger|smaller|longer|shorter|higher|lower|larger|"
    r"better|worse|newer|older|stronger|weaker|wider|deeper|easier|harder"
)
PREDICATE = rf"(?:worth|{COMPARATIVES}|weigh\w*|cost\w*|take\w*|last\w*|need\w*|use\w*|ha(?:s|ve)|is|are|can|does|do)\b"
# A comparison of a property of both things, which needs each one's value, where "who do I contact, the TA or the
# lecturer?" picks one.
COMPARES_VALUES = re.compile(rf"\b(?:{COMPARATIVES}|differ\w*|compar\w*|vs|versus|same)\b", re.IGNORECASE)
COMPARED = [
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        rf"\b(?:between|compar(?:e|ing))\s+{ARTICLE}(?P<a>{THING_CODE}|(?!\d)[^,;?.!]+?)"
        rf"\s+(?:and|with|to)\s+{ARTICLE}(?P<b>{THING_TO_END})",
        rf"(?P<a>{ONE_THING})\s+(?:vs\.?|versus)\s+{ARTICLE}(?P<b>{ONE_THING})",
        rf"(?:[,:]|\beither\b)\s*{ARTICLE}(?P<a>(?!\d)[^,;?.!]+?)\s+or\s+{ARTICLE}(?P<b>{THING_TO_END})\s*[?.!]*\s*$",
        rf"\b{ARTICLE}(?P<a>{THING_CODE})\s+(?:and|or)\s+{ARTICLE}(?P<b>{THING_CODE})",
        rf"(?:\b(?P<a>{THING_CODE})|(?<=\bthe\s)(?P<c>[^\W\d_][\w-]*(?:\s+(?!{PREDICATE})[^\W\d_][\w-]*)?))"
        rf"\s+(?:[\w-]+\s+){{1,3}}(?<!other\s)(?<!rather\s)than\s+{ARTICLE}"
        rf"(?P<b>{THING_TO_END})",
        # the same for one as for the other: "the same protection for charging batteries as for soldering"
        rf"\bsame\b[^,;?.!]*?\bfor\s+{ARTICLE}(?P<a>(?!\d)[^,;?.!]+?)\s+as\s+(?:for\s+)?{ARTICLE}(?P<b>{THING_TO_END})",
        # two things asked of alike: "the opening hours on weekdays and at the weekend", "in week 3 or in week 5"
        rf"\b(?:on|at|in|for|during)\s+{ARTICLE}(?P<a>[^\W\d_][\w-]*(?:\s+\d+)?)\s+(?:and|or)\s+"
        rf"(?:on|at|in|for|during)\s+{ARTICLE}(?P<b>(?!(?P=a)\b)[^\W\d_][\w-]*(?:\s+\d+)?)\b",
        rf"\b(?P<a>{ONE_THING})\s+(?:differs?|compares?|different)\s+(?:from|to|with|than)\s+{ARTICLE}"
        rf"(?P<b>{THING_TO_END})",
    )
]


def spells(abbreviation: str, sentence: str, capitalised: bool = False) -> bool:
    """Whether the sentence spells out the abbreviation: words whose first letters make it ("Time-of-Flight" for
    ToF, "automated external defibrillator" for AED), small words between them skipped; only `capitalised` words,
    or for two letters, which lower-case words spell by chance ("do hold" for DH, not "Denavit–Hartenberg")."""
    letters = [c.lower() for c in abbreviation if c.isalpha()]
    if _bracketed(abbreviation, letters, sentence):
        return True
    words = re.findall(r"[A-Za-z]+", sentence)
    capitalised = capitalised or len(letters) < 3
    return any(
        _spelled_from(letters, words[start:], capitalised)
        for start, word in enumerate(words)
        if word[0].lower() == letters[0]
    )


def _bracketed(abbreviation: str, letters: list[str], sentence: str) -> bool:
    """Whether the sentence writes the abbreviation in brackets right after the words spelling it, or before them
    in brackets, in whatever case: a definition ("original gravity (OG)", "OG (original gravity)")."""
    written = re.escape(abbreviation)
    for after in re.finditer(rf"\(\s*{written}\s*\)", sentence, re.IGNORECASE):
        before = re.findall(r"[A-Za-z]+", sentence[: after.start()])
        if any(_spelled_from(letters, before[-n:], False) for n in range(len(letters), len(letters) + SPAN_SKIPPED)):
            return True
    return any(
        _spelled_from(letters, re.findall(r"[A-Za-z]+", sentence[found.end() :]), False)
        for found in re.finditer(rf"\b{written}\s*\(", sentence, re.IGNORECASE)
    )


def _spelled_from(letters: list[str], words: list[str], capitalised: bool) -> bool:
    """Whether the words, from the first, spell the letters by their first letters (skipping SKIPPED ones), each
    of them capitalised if so asked."""
    at = 0
    for word in words:
        if at == len(letters):
            break
        if word[0].lower() == letters[at] and (len(word) > 1 or at == len(letters) - 1):
            if capitalised and not word[0].isupper() and word.lower() not in SKIPPED:  # the "of" of Time-of-Flight
                return False
            at += 1
        elif word.lower() not in SKIPPED:
            return False
    return at == len(letters) and words[0].lower() != "".join(letters)


NAMES = {
    "name": NAME,
    "code": re.compile(f"{NETWORK_ADDRESS.pattern}|{CODE.pattern}"),
    "person": PERSON_NAME,
    "place": CODE,
    "phone": PHONE,
    "email": EMAIL_ADDRESS,
    "contact": re.compile(f"{PERSON_NAME.pattern}|{PHONE.pattern}"),
}
# Lengths of different things are not interchangeable: a lidar's mounting height does not answer its range.
# A question naming one of these asks for that length; "how long" or "how far" takes any length.
LENGTHS = [
    r"range|reach",
    r"height|heights|high|higher|tall",
    r"width|widths|wide|wider|opening|openings",  # a gripper's opening is how wide its jaws part
    r"depth|deep|deeper",
    r"diameter|diameters",
    r"thick|thickness",
    r"length|lengths|long|longer|longest",  # a tether's length is not how thick it is
]
# Masses of different things likewise: an arm's own weight does not answer what it can carry (or hold, or lift).
MASSES = [
    # what one may put on a thing is its load: "whats the heaviest thing i can put on the turntable"
    r"payloads?|loads?|carry|carries|carrying|hold|holds|holding|lift|lifts|lifting|put on|placed? on",
    r"weigh|weighs|weight|weights|heavy|heavier|heaviest|mass",
]
# The measures a question of a dimension may name, each answered only by a sentence naming it.
MEASURES = {"length": LENGTHS, "mass": MASSES}


# Opposite bounds: a sentence giving only the maximum does not answer a question about the minimum.
LOWER = r"minimum|min|lowest|least|smallest|shortest|fewest|at least|no less than"
UPPER = r"maximum|max|highest|most|largest|biggest|longest|greatest|up to|at most|no more than"
BOUNDS = [
    (re.compile(rf"\b(?:{a})\b", re.IGNORECASE), re.compile(rf"\b(?:{b})\b", re.IGNORECASE))
    for a, b in ((LOWER, UPPER), (UPPER, LOWER))
]
# Opposite cases: a value given going forward is none going in reverse, one for outdoors none for indoors.
CASES = [
    (r"forwards?", r"reverse|reversing|backwards?|astern"),
    (r"upwards|ascent|ascending|climbing|uphill", r"downwards|descent|descending|downhill"),
    (r"indoors?", r"outdoors?"),
    (r"wet", r"dry"),
    (r"summer", r"winter"),
]
OPPOSITE_CASES = [
    (re.compile(rf"\b(?:{a})\b", re.IGNORECASE), re.compile(rf"\b(?:{b})\b", re.IGNORECASE))
    for pair in CASES
    for a, b in (pair, pair[::-1])
]
# A day, week or hour asked for as an end ("Until which week is the arena open on Tuesdays?", "until what time can we
# stay") is not answered by a start alone ("open on Tuesdays from week 6", "opens the side door after 18:00"), nor a
# start by an end; a span gives either. Only of a question asking for a date or a time of day: "when does the loan
# end" asks for no particular kind, and any sentence may answer it.
ASKS_END = re.compile(r"\b(?:until|till|end|ends|finish|finishes|stop|stops)\b", re.IGNORECASE)
ASKS_START = re.compile(r"\b(?:start|starts|begin|begins|from (?:which|what|when))\b", re.IGNORECASE)
DAYS_SPANNED = r"(?<![:\d])\d{1,2}\s*[\u2013-]\s*\d{1,2}(?![:\d])"  # "weeks 2-11", not "16:00-18:00"
STATES_END = re.compile(rf"\b(?:until|till|to|through|ends?|ending|finish\w*|last|stops?)\b|{DAYS_SPANNED}", re.I)
STATES_START = re.compile(rf"\b(?:from|start\w*|begin\w*|onwards?|as of|after)\b|{DAYS_SPANNED}", re.I)
ENDS = [(ASKS_END, STATES_END, STATES_START), (ASKS_START, STATES_START, STATES_END)]
# A usual value asked for: a sentence giving only a bound ("do not discharge a cell below about 3.0 V") does not
# answer a question about the nominal voltage, unless it names the usual value too. Of values only: "the normal
# permit" is no value.
USUAL = re.compile(r"\b(?:nominal|typical|normal|average|usual)\b", re.IGNORECASE)
BOUNDED = re.compile(rf"\b(?:{LOWER}|{UPPER}|below|above|under|over|exceeds?)\b", re.IGNORECASE)
# A question after how far a thing can go ("how cold can the chamber go", "how much can i get", "the max speed")
# asks for the bound of what it can do, which a range or a bound states; a threshold setting a rule ("below 0 °C,
# do not keep the door open") states a value of the kind, but no bound of the thing's own.
ASKS_LIMIT = re.compile(rf"\bhow (?:much|many|[a-z]+) (?:can|could|may)\b|\b(?:{LOWER}|{UPPER})\b", re.IGNORECASE)
STATES_LIMIT = re.compile(
    rf"{NUMBER}[^\d\n,;.]{{0,12}}?\s(?:to|-|\u2013)\s*(?:{SIGN})?{NUMBER}|{NUMBER}\s*(?:-|\u2013)\s*{NUMBER}|"
    rf"\b(?:{LOWER}|{UPPER}|range|limit|limited to|rated|capacity|max\.)\b",
    re.IGNORECASE,
)
# A value a sentence gives as "a repeatability of 0.05 mm" or "a payload of 2.8 kilograms" is of that property.
PROPERTY_OF = re.compile(
    r"\b([a-z][a-z-]{2,})\s+of\s+(?:about|around|roughly|approximately|nearly|up to|at least|at most|only|just)?\s*$",
    re.IGNORECASE,
)
# "How long does the quiz take?" and "How long is the tour?" ask how long the thing itself lasts: a time counted
# from something else ("repeat it after one week", "seven days before the exam"), a deadline ("within ten working
# days") or a time between repeats ("every two years") is no length of it. A question about waiting ("how long
# until", "how long after") or a time allowed ("how long do I have to appeal") asks for exactly such a time, and
# keeps it.
OWN_LENGTH = re.compile(r"^\W*how long\s+(?:does|do|did|will|would|is|are|was|were)\b", re.IGNORECASE)
WAITING = re.compile(
    r"\b(?:wait\w*|until|till|before|after|again|notice|advance|ahead|delay|soon|take to|have|has|get|allowed)\b",
    re.IGNORECASE,
)
FROM_ELSE = re.compile(
    r"\b(?:after|every|each|within)\s+(?:about\s+|around\s+|roughly\s+|at least\s+|at most\s+)?$", re.IGNORECASE
)
# "How far ahead do I have to book?" asks how long before a thing it is done: a time said to come before it ("at
# least three working days before the day you need", "48 hours' notice"), not any time ("Run at setting 1 for two
# minutes").
LEAD_ASKED = re.compile(
    r"\bhow\s+(?:far\s+)?(?:ahead|in\s+advance|early)\b|\bhow\s+much\s+notice\b|"
    # not "how long before": "how long before an abandoned bike gets cut loose" asks how long until it is
    r"\bhow\s+(?:long|much\s+time|many\s+(?:days|weeks|hours))\s+(?:ahead|in\s+advance|beforehand)\b",
    re.IGNORECASE,
)
AHEAD = re.compile(
    r"\s*(?:['\u2019]\s*)?notice\b|\s+(?:before|prior\s+to|ahead|in\s+advance|beforehand|earlier)\b", re.IGNORECASE
)
BEFORE_ELSE = re.compile(r"\s+(?:before|after|prior to|ahead of|in advance|beforehand)\b(?!\s+which)", re.IGNORECASE)
# A time said to last ("closed for 30 seconds after a cut") is a length of its own, whatever it follows.
LASTING = re.compile(
    r"\b(?:for|lasts?|takes?)\s+(?:about\s+|around\s+|roughly\s+|at least\s+|at most\s+)?$", re.IGNORECASE
)
# A length said by the adjective after it ("12 m long and 6 m wide") is of that measure: a question naming another
# ("how deep is the basin at the deep end") is not answered by it, though its sentence says "deep" elsewhere.
MEASURED_BY = re.compile(r"\s*(long|wide|high|tall|deep|thick)\b", re.IGNORECASE)
# Sums of money owed for different things: a question naming one ("whats the fine if i lend my card") is not
# answered by another ("a deposit of 20 EUR"), though both are sums and either may answer "how much".
SUMS = frozenset("fine fines deposit deposits penalty refund rent wage wages salary grant prize allowance".split())
# Words before "of" that name no property of their own: "a total of 12 kg", "teams of three", "a pack of four", "the
# pool of four AR-5 rovers";
# nor a moment's ("at the start of every session" says how often, "by the end of week 5" when).
GENERIC_PROPERTY = re.compile(
    r"^(?:total|sum|value|amount|number|maximum|minimum|average|mean|peak|limit|set|pair|couple|batch|pack|lot|"
    r"group|series|pool|fleet|stock|collection|crew|box|bag|row|rack|one|each|any|all|most|some|"
    r"(?:start|end|beginning|middle)$)",
    re.IGNORECASE,
)
# Words before a thing that pick none of its kind: "the battery", "each sensor", "your calculator".
QUALIFIES_NOT = frozenset(
    "the this that these those its their our your his her each every any all some other another same own new old "
    "one two three four five more most such which what".split()
)
PREFIX = 5  # letters of a question's word a property must start with to be the one asked: "reach" for "reaches"
# A label, a colon and its value: "Head referee: Priya Okonkwo-Lindqvist."
LABELLED = re.compile(r"[^:\n]{1,40}:\s+(.+?)\.?\s*$")
# A title ("Handout G2: The Zorblax-7 Pneumatic Gripper") names its subject, not an answer.
TITLE_SHARE = 0.75
# A byline is no title, however many capitals its names and dates bring: "Issued by Priya Halloway, Lab Manager, 12
# January 2027." says who issued the notice.
BYLINE = re.compile(
    r"^\W*(?:\w+ed|written|taught|led|run|given|set|kept|held|made|built|drawn|chosen)\s+by\s+(?-i:[A-Z])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Expected:
    """The kind of answer a question asks for: `quantity` (in `units` when a dimension is asked), `name`, `code`
    (a name or a number that names: a room, a part), `phone` (a number to call), `contact` (a person or a number to
    call), `person`, `place`, `date`, `colour`, `expansion` (what an abbreviation stands for), or "" (anything)."""

    kind: str = ""
    units: re.Pattern | None = None
    question_names: frozenset[str] = frozenset()
    wrong_bound: re.Pattern | None = None  # "maximum" when the question asks for the minimum
    bound: re.Pattern | None = None
    case: re.Pattern | None = None  # the case a value is asked in: "reverse" of "top speed in reverse"
    wrong_case: re.Pattern | None = None  # its opposite: "forward"
    dimension: str = ""  # of a quantity: "mass", "length"...
    measure: re.Pattern | None = None  # the particular measure it asks for: "range", "payload"
    other_measures: re.Pattern | None = None  # the measures it does not ask for: "height", "width", "weight"...
    asking: frozenset[str] = frozenset()  # the question's words that ask for the kind: "weigh", "maximum", "date"
    words: frozenset[str] = frozenset()  # the question's words, their first PREFIX letters
    numbered: re.Pattern | None = None  # "pin 2" for "Which pin ...?": the thing asked about and its number
    column: re.Pattern | None = None  # "die" for "Which die ...?": a table column naming it gives it in each row
    own_length: bool = False  # it asks how long the thing itself lasts, not a time counted from something else
    lead: bool = False  # it asks how long before something a thing is done: "how far ahead do i book"
    limit: bool = False  # it asks for the bound of what a thing can do: "how cold can the chamber go"
    whom: bool = False  # it asks whom to turn to, which a role answers as well as a name
    duty: str = ""  # the verb whose doer it asks ("mark" of "who marks the lab books"), which a role doing it answers
    duty_kin: tuple[str, ...] = ()  # the stems of the verb's kin: its irregular forms ("taught"), its synonyms
    abbreviation: str = ""  # of an `expansion`: "ToF" for "what does ToF stand for"

    def heads(self, labels: str) -> bool:
        """Whether a table's header row has a column naming the thing asked about: "Die colour" for "which die do i
        use", whose answer is a row's colour."""
        return bool(self.column and self.column.search(labels))

    @property
    def precise(self) -> bool:
        """Whether a sentence stating this kind shows it answers: a mass, a date, a name do; a bare number, the
        value of a quantity whose dimension the question does not name ("the maximum incline"), could be of
        anything."""
        return bool(self.kind) and (self.kind != "quantity" or bool(self.dimension))

    def of_another_property(self, before: str) -> bool:
        """Whether a value after `before` is of a property the question does not ask about: "a repeatability of"
        for "What is the arm's reach?"."""
        named = PROPERTY_OF.search(before[-80:])
        if not named or GENERIC_PROPERTY.match(named.group(1)):
            return False
        word = named.group(1).lower()
        if word in SUMS and self.asking & SUMS:
            return word not in self.asking
        return not any(word.startswith(w) for w in self.words if len(w) > 3) and not _named_dimension(word)

    def _of_another(self, sentence: str, value: re.Match) -> bool:
        """Whether the value is of another property, of another measure than the one the question names, a time
        from something else when the question asks how long the thing itself lasts, or no time before something
        when it asks how far ahead."""
        before = sentence[: value.start()]
        said = MEASURED_BY.match(sentence, value.end())
        return (
            self.of_another_property(before)
            or (self.own_length and bool(FROM_ELSE.search(before) or self._before_else(sentence, value)))
            or (self.lead and not AHEAD.match(sentence, value.end()))
            or bool(said and self.measure and not self.measure.fullmatch(said.group(1)))
        )

    @staticmethod
    def _before_else(sentence: str, value: re.Match) -> bool:
        """Whether the time is counted before or after something else ("seven days before the exam") and not said
        to last."""
        return bool(BEFORE_ELSE.match(sentence, value.end())) and not LASTING.search(sentence[: value.start()])

    def _qualified(self, sentence: str) -> bool:
        """Whether the sentence names a thing of the kind a "which ...?" question picks by a word of its own before
        it: "the buoyancy, drag and battery run-time equations" for "which equations are on the formula sheet?", "the
        pressure sensor" for "which sensor measures depth?"; not "the" or a word of the question."""
        if not self.column:
            return False
        before = re.finditer(rf"\b([^\W\d_]{{3,}})[\s-]+(?={self.column.pattern})", sentence, re.IGNORECASE)
        return any(
            w.lower() not in QUALIFIES_NOT and w.lower()[:PREFIX] not in self.words for w in (m[1] for m in before)
        )

    def states_limit(self, sentence: str) -> bool:
        """Whether the question asks for a bound and the sentence states a range or a bound."""
        return self.limit and bool(STATES_LIMIT.search(sentence))

    def fits(self, sentence: str) -> bool:
        """Whether the sentence states an answer of this kind; any sentence fits a question of no particular kind."""
        if self.wrong_bound and self.wrong_bound.search(sentence) and not (self.bound and self.bound.search(sentence)):
            return False
        if self.wrong_case and self.wrong_case.search(sentence) and not (self.case and self.case.search(sentence)):
            return False
        other = self.other_measures and self.other_measures.search(sentence)
        if other and self.measure and not self.measure.search(sentence):  # a height of 22 cm is not its range
            return False
        if self.kind == "date":
            return bool(DATE.search(sentence))
        if self.kind == "colour":
            return bool(COLOUR.search(sentence))
        if self.kind == "email":  # an address is one however title-like its row: "Fenna Tolvane | f.t@x.example"
            return bool(EMAIL_ADDRESS.search(sentence)) and self._whose(sentence, EMAIL_ADDRESS)
        if self.kind == "expansion":
            return spells(self.abbreviation, sentence)
        if self.kind == "quantity":
            if self.dimension == "clock" and not SPAN.search(sentence):
                return False
            stated = (self.units or ANY_NUMBER).finditer(sentence)
            return any(not self._of_another(sentence, m) for m in stated)
        if self.kind == "place":
            if AT_PLACE.search(sentence):
                return True
            # A date or an hour places nothing: "demo day, which is on 3 June 2027" says when, not where.
            sentence = WHEN.sub(" ", sentence)
        if self.kind in NAMES:
            if self.kind == "phone" and not (self._on_the_line(sentence) and self._whose(sentence, PHONE)):
                return False
            if (self.whom or self._does_duty(sentence)) and ROLE.search(sentence):
                return True
            # "Lecture 4 – Time-of-Flight Ranging" names the lecture "which lecture" asks for, title or not.
            if self.numbered and self.numbered.search(sentence):
                return True
            called = self.kind in ("phone", "contact") and PHONE.search(sentence)  # "Call Aino Vestergaard on ..."
            titled = _is_title(sentence) and not BYLINE.match(sentence)
            if titled and not _labelled(sentence, NAMES[self.kind]) and not called:
                return False
            found = NAMES[self.kind].findall(sentence)  # not its first word: "The ..."
            numbered = bool(self.numbered and self.numbered.search(sentence))
            return numbered or any(_spelled(n) not in self.question_names for n in found) or self._qualified(sentence)
        return True

    def _does_duty(self, sentence: str) -> bool:
        """Whether the sentence says the duty asked about is done: a word of its verb ("marked" for "mark") or of
        its kin ("taught" for "teach", "graded" for "mark")."""
        if not self.duty:
            return False
        stems = [self.duty.removesuffix("e"), *(stem for stem in self.duty_kin if len(stem) >= MIN_DUTY_STEM)]
        return bool(re.search(rf"\b(?:{'|'.join(map(re.escape, stems))})\w*", sentence, re.IGNORECASE))

    def _whose(self, sentence: str, given: re.Pattern) -> bool:
        """Whether a number or address the sentence gives may be the person's the question names: not when each
        follows another person's name ("Bartholomew Quarrendon (technician, phone extension 4438) and Tamsin
        Holloway (teaching assistant)" gives no number of Tamsin Holloway's)."""
        people = [(found.start(), found.group()) for found in PERSON_NAME.finditer(sentence)]
        asked = {at for at, name in people if any(w.lower() in self.question_names for w in name.split())}
        if not asked or len(people) < 2:
            return True
        owners = [
            max((at for at, _ in people if at < value.start()), default=None) for value in given.finditer(sentence)
        ]
        return any(owner is None or owner in asked for owner in owners)

    def _on_the_line(self, sentence: str) -> bool:
        """Whether the sentence's number is on the line asked for: a mobile asked for, it names no extension
        without a mobile, nor the other way round."""
        asked = [said for words, said in PHONE_LINES if words & self.words]
        others = [said for words, said in PHONE_LINES if not words & self.words]
        return not asked or any(said.search(sentence) for said in asked) or not any(o.search(sentence) for o in others)


def values(wanted: Expected, sentence: str) -> set[str]:
    """The answers of the kind asked for that a sentence states, lowercased: "6.5 bar", "ilse", "vb-2231"."""
    if wanted.kind == "quantity":
        spans = (m.group() for m in (wanted.units or ANY_NUMBER).finditer(sentence))
        return {n.lower() for span in spans for n in ANY_NUMBER.findall(span)}
    if wanted.kind == "date":
        return {m.group().lower() for m in DATE.finditer(sentence)}
    if wanted.kind == "colour":
        return {m.group().lower() for m in COLOUR.finditer(sentence)}
    if wanted.kind in NAMES:
        numbered = {m.group().lower() for m in wanted.numbered.finditer(sentence)} if wanted.numbered else set()
        found = {n.lower() for n in NAMES[wanted.kind].findall(sentence) if _spelled(n) not in wanted.question_names}
        return found | numbered
    return set()


def quantities(text: str) -> set[tuple[str, str]]:
    """The (number, dimension) pairs a text states with a unit: "6 cm" is ("6", "length"). In "between 0.6 and
    1.5 metres" and "9 by 6 mm" both numbers take the unit."""
    found: set[tuple[str, str]] = set()
    for dimension, _, units in (d for d in DIMENSIONS if d[0] not in EITHER):
        stated = rf"({SIGN}?{NUMBER})(?:\s*{JOINED}\s*({NUMBER}))?[\s-]*(?:{units})(?!\w)"
        for match in re.finditer(stated, text, re.IGNORECASE):
            found.update((_number(n), dimension) for n in match.groups() if n)
    return found


def scaled(text: str) -> set[tuple[str, str, str]]:
    """The (number, dimension, unit) triples a text states in a unit of a scale ("1.5 kg" is ("1.5", "mass", "kg"),
    "10 milliseconds" ("10", "time", "ms")): `quantities` reads 1.5 g and 1.5 kg as the same mass."""
    found: set[tuple[str, str, str]] = set()
    for dimension, unit, spelled in SCALES:
        stated = rf"({SIGN}?{NUMBER})(?:\s*{JOINED}\s*({NUMBER}))?[\s-]*(?:{spelled})(?![\w/])"
        for match in re.finditer(stated, text):
            found.update((_number(n), dimension, unit) for n in match.groups() if n)
    return found


def without_units(text: str) -> str:
    """The text with the unit after each number left out: "42 newtons" states what "42 N" does, as `quantities`
    reads them."""
    for _, _, units in DIMENSIONS:
        text = re.sub(rf"(?<![\w.])({NUMBER})[\s-]*(?:{units})(?!\w)", r"\1", text, flags=re.IGNORECASE)
    return text


def _number(raw: str) -> str:
    """A number as one form: "1,024" → "1024", "2.50" → "2.5", "07" (of 07:30) → "7", "Two" → "two", "minus 40"
    and a typeset minus (U+2212) 40 → "-40"."""
    signed = re.match(SIGN, raw, re.IGNORECASE)
    if signed:
        return f"-{_number(raw[signed.end() :])}"
    value = raw.lower().replace(",", "")
    if value.isdigit():
        return value.lstrip("0") or "0"
    return value.rstrip("0").rstrip(".") if "." in value else value


SAYS_WHAT_ASKED = ("quantity", "date", "phone", "email", "colour")


def expected(question: str, kin: Callable[[str], Sequence[str]] = lambda word: ()) -> Expected:
    """The kind of answer `question` asks for, the bound (minimum, maximum) and the words that ask for it; `kin`
    gives the stems of a word's kin, the other names the material may count a thing by."""
    question = LEAD_IN.sub("", RUN_TOGETHER.sub(r"\1 is", question))
    words, names = frozenset(w.lower()[:PREFIX] for w in re.findall(r"[\w-]+", question)), _names(question)
    if last := ASKED_LAST.search(question):
        question = last.group(1)
    kind = replace(_kind(question, kin), words=words, question_names=names)
    if kind.dimension in ("extent", "duration") and OWN_LENGTH.search(question) and not WAITING.search(question):
        kind = replace(kind, own_length=True)
    if kind.dimension == "duration" and LEAD_ASKED.search(question):
        kind = replace(kind, lead=True)
    if kind.dimension in MEASURES:
        measure, others = _measures(question, MEASURES[kind.dimension])
        kind = replace(kind, measure=measure, other_measures=others)
    if kind.kind == "quantity" and ASKS_LIMIT.search(question):
        kind = replace(kind, limit=True)
    bounds = next(((asked, wrong) for asked, wrong in BOUNDS if asked.search(question)), None)
    if kind.kind == "quantity" and not bounds and USUAL.search(question):
        bounds = (USUAL, BOUNDED)
    if (kind.kind == "date" or kind.dimension in ("hour", "clock")) and not bounds:
        bounds = next(((end, other) for asked, end, other in ENDS if asked.search(question)), None)
    if bounds:
        kind = replace(kind, bound=bounds[0], wrong_bound=bounds[1])
    cases = next(((asked, wrong) for asked, wrong in OPPOSITE_CASES if asked.search(question)), None)
    if kind.kind and cases and not cases[1].search(question):
        kind = replace(kind, case=cases[0], wrong_case=cases[1])
    # Only a value's kind is precise enough to say what the question's words asked: any capitalised name would
    # "say" a brand, any code a room number; a number to call says what "phone" asked.
    return replace(kind, asking=_asking(question, kind)) if kind.kind in SAYS_WHAT_ASKED else kind


def _asking(question: str, wanted: Expected) -> frozenset[str]:
    """The words of `question` that ask for the kind: a sentence stating a mass says what "weigh" asked."""
    patterns = [QUANTITY, ASKS_DATE, *(bound for bound, _ in BOUNDS)]
    done = FAR_DONE if wanted.dimension == "length" else TIME_DONE if wanted.dimension in ("hour", "clock") else None
    if done and (found := done.search(question)):
        patterns.append(re.compile(rf"\b{found.group(1)}\b", re.IGNORECASE))
    if wanted.dimension == "count":  # "how many people": a count of students says what "people" asked
        patterns.append(COUNTED_FIRST)
    if wanted.kind == "phone":
        patterns.append(PHONED)
    if wanted.kind == "email":
        patterns.append(EMAILED)
    if wanted.kind == "colour":
        patterns.append(COLOURED)
    patterns += [re.compile(rf"\b(?:{asks})\b", re.I) for name, asks, _ in DIMENSIONS if name == wanted.dimension]
    if wanted.measure:
        patterns.append(wanted.measure)
    spans = (m.group() for p in patterns for m in p.finditer(question))
    # A code among them names what is asked about ("rbt284" of "how many rbt284 labs"), which a sentence must say.
    return frozenset(w.lower() for span in spans for w in re.findall(r"[\w-]+", span) if not DIGIT.search(w))


def _measures(question: str, measures: list[str]) -> tuple[re.Pattern | None, re.Pattern | None]:
    """The particular measures a question names (a length's range or height, a mass's payload or weight), if any,
    and the others."""
    named = [words for words in measures if re.search(rf"\b(?:{words})\b", question, re.I)]
    if not named:
        return None, None
    others = [words for words in measures if words not in named]
    return re.compile(rf"\b(?:{'|'.join(named)})\b", re.I), re.compile(rf"\b(?:{'|'.join(others)})\b", re.I)


def _names(question: str) -> frozenset[str]:
    """The names and codes the question itself says, each in one spelling: no answer of the kind asked."""
    return frozenset(_spelled(n) for n in NAME.findall(f" {question}"))


def _kind(question: str, kin: Callable[[str], Sequence[str]]) -> Expected:
    names = _names(question)
    if REASON.match(question):
        return Expected(question_names=names)
    whom = bool(TURNED_TO.search(question))
    if stands := STANDS_FOR.search(question):
        abbreviation = stands.group(1) or stands.group(2)
        asking = frozenset(word.lower() for word in re.findall(r"\w+", stands.group()))
        return Expected("expansion", question_names=names, asking=asking, abbreviation=abbreviation)
    if CALLED.search(question):
        return Expected("contact", question_names=names, whom=whom)
    if PERSON.search(question):
        duty = DUTY.search(question)
        verb = duty[1].lower() if duty else ""
        return Expected("person", question_names=names, whom=whom, duty=verb, duty_kin=tuple(kin(verb)) if verb else ())
    if PLACE.search(question):
        return Expected("place", question_names=names)
    if PHONED.search(question):
        return Expected("phone", question_names=names)
    if EMAILED.search(question) and not POLAR.match(question):
        return Expected("email", question_names=names)
    if CODED.search(question):
        return Expected("code", question_names=names)
    # "the portal crashed right before the deadline, how do i submit" asks how, not when.
    if DATED.search(question) and not EXPLAIN.search(question):
        return Expected("date")
    if COLOURED.search(question):
        return Expected("colour", question_names=names)
    # "How much does the gearbox multiply torque?" asks for a factor ("by eleven"), a number of no unit.
    found = None if FACTOR.search(question) or _defines(question) else _dimension(question)
    polar = POLAR.match(question) and not COSTS_WHETHER.match(question)
    asks_value = not (EXPLAIN.search(question) or NAMED.search(question) or PLACE_OR_TIME.search(question) or polar)
    counted = COUNTED.search(question)
    # "How many students ...?" is answered by a number of students, not any number; "how many volts" is a voltage,
    # but "how many packs can be charged" is a count of packs, not a sum of money.
    if counted and not _named_dimension(counted.group(1)):
        nouns = _counted_nouns(counted.group(1))  # "LiPo packs": either word may name what is counted
        counts = [_counted(n, kin(n)) for n in nouns]
        found = ("count", "|".join(counts))
    if QUANTITY.search(question) or (found and asks_value):
        return Expected("quantity", _stated_in(*found) if found else None, names, dimension=found[0] if found else "")
    which = WHICH.search(question)
    if which and CHOICE.search(question):
        return Expected(question_names=names)
    if NAMED.search(question) or which:
        numbered = rf"\b{re.escape(which.group(1))}s?\s+(?:no\.?\s*|#\s*)?\d[\w.-]*" if which else None
        column = re.compile(rf"\b{re.escape(which.group(1))}s?\b", re.I) if which else None
        return Expected(
            "name", question_names=names, numbered=re.compile(numbered, re.I) if numbered else None, column=column
        )
    return Expected()


def _counted_nouns(words: str) -> list[str]:
    """The words naming what is counted, up to the first plural: "lipo packs" of "how many LiPo packs can be
    charged", but "teams" alone of "how many teams take part" (whose "taken" counted points)."""
    nouns = words.lower().split()
    last = next((i for i, noun in enumerate(nouns) if PLURAL.search(noun)), len(nouns) - 1)
    return nouns[: last + 1]


def _counted(noun: str, kin: Sequence[str]) -> str:
    """What counts the noun's things in the material: any word for people counts people, any word for room room,
    and the noun itself in its other forms ("batter" for batteries and battery) or one of its `kin` ("64 bicycles"
    for "how many bikes")."""
    if noun in PEOPLE:
        return PERSONS
    if noun in ROOM:
        return ROOMS
    if noun in MARKS:
        return MARKED
    forms = [noun[: max(COUNT_STEM, len(noun) - 3)], *(k for k in kin if len(k) >= COUNT_STEM)]
    # A short plural is kept whole above: "kits" is counted by a table's "First-aid kit | 2" too.
    if PLURAL.search(noun):
        forms.append(noun[:-1])
    # A short kin is counted as the word itself, or its plural: "three timed runs" for "how many goes", not "running".
    words = [kin_word for kin_word in kin if len(kin_word) < COUNT_STEM]
    return "|".join([*(rf"{re.escape(form)}\w*" for form in forms), *(rf"{re.escape(w)}s?\b" for w in words)])


def _defines(question: str) -> bool:
    """Whether the question asks what a term is ("What is force closure?", "What are torque sensors?"), though a
    word of the term names a measure; one asking for an amount ("What is the force limit?") does not."""
    term = DEFINED.match(question)
    if not term or QUANTITY.search(question) or re.search(HOURS_OF, term.group(1), re.IGNORECASE):
        return False
    if any(bound.search(question) for bound, _ in BOUNDS):  # "What is the highest temperature allowed?"
        return False
    return not _named_dimension(term.group(2))


def asked_for(question: str) -> str:
    """The words a "what ..." or "which ..." question names as asked for: "controller board" of "what controller
    board is in the M3"; none in "What is the range ...?"."""
    named = ASKED.search(question)
    return named.group(1).strip() if named else ""


def _dimension(text: str) -> tuple[str, str] | None:
    """The dimension a question asks for, and its units: the one its "what ..." or "which ..." phrase names, if it
    names one ("At what rate is a current loop run?" asks for a rate; "What resolution does a depth camera have?"
    for none); otherwise the first one whose question words `text` uses."""
    found = _named_dimension(asked_for(text) or text)
    # A piece of coursework has no mass: its weight is its share of the grade ("What weight does the written exam
    # have?" was refused beside "Written exam 30%").
    if found and found[0] == "mass" and GRADED_WEIGHT.search(text):
        return next((name, units) for name, _, units in DIMENSIONS if name == "share")
    return found


def _named_dimension(text: str) -> tuple[str, str] | None:
    """The first dimension whose question words `text` uses, and its units; a word of a compound ("long-term",
    "high-level") asks for nothing."""
    return next(
        ((name, units) for name, asks, units in DIMENSIONS if re.search(rf"\b(?:{asks})\b(?!-\w)", text, re.I)),
        None,
    )


def _spelled(name: str) -> str:
    """A name or code as one spelling: the question's "rbt260" is the material's "RBT-260"."""
    return name.lower().replace("-", "")


def _labelled(sentence: str, names: re.Pattern) -> bool:
    """Whether the sentence is a label and, after its colon, only a name of the kind: "Head referee: Priya
    Okonkwo-Lindqvist." is a field of a list of contacts, not a title; so is a table's row of a label and a cell
    of a name alone ("Safety officer | Freya Wickersley | ext. 2210")."""
    cells = [cell.strip() for cell in sentence.split("|")]
    if len(cells) > 1:
        named = any(cell and not names.sub(" ", f" {cell}").strip(" ,;&.") for cell in cells[1:])
        return bool(cells[0]) and _field_label(cells[0]) and named
    field = LABELLED.match(sentence)
    if not field:
        return False
    # Not a title's colon ("Ashdrellow Robotics Store: Equipment Loan Form"): a field's label is a word or a phrase
    # in lower case after its first word ("Name", "Project team", "Head referee").
    value = f" {field.group(1)}"  # a name in mid-sentence: the patterns look for a space before it
    return _field_label(sentence[: field.start(1)].rstrip(": \t")) and not names.sub(" ", value).strip(" ,;&")


def _field_label(label: str) -> bool:
    """Whether a field's label is a word or a phrase in lower case after its first word, as a title is not."""
    return all(word[0].islower() for word in label.split()[1:])


def _is_title(sentence: str) -> bool:
    """Whether most of its longer words are capitalised, as a title's are; a code ("A-1.42") is no word of one."""
    words = [w for w in (w.strip(".,;:!?()'\"") for w in sentence.split()) if w.isalpha() and len(w) > 3]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) / len(words) >= TITLE_SHARE


def _stated_in(dimension: str, units: str) -> re.Pattern:
    """A number with one of the units, a couple of words allowed before a unit in words ("40 operating hours")."""
    # A rate's "per day" may come after what is counted: "lose five percent of the report mark per day".
    # So may a recurrence's: "two slots per team per week".
    between = RATE_WORDS if dimension in ("rate", "recurrence") else UNIT_WORDS
    # A unit divided by another is a rate of its own: the "m" of 0.0014 m/s² is no length. Only a unit in words
    # stands apart from its number: the "A" of "channel 3 gives a fixed voltage" is an article, no amperes.
    # A code's number is no quantity: the "4s" of "four spare MV-4s" is no four seconds, "the PD-1 dock" one dock of
    # however many.
    code = r"(?<![^\W\d_])(?<![^\W\d_]-)"
    pattern = rf"{code}{NUMBER}[\s-]*(?:(?:[\w-]+\s+){{1,{between}}}?(?=[^\W\d_]{{3}}))?(?:{units})(?![\w/])"
    # A sum of money is no count ("charged €25 for the seat").
    if dimension == "count":
        pattern = rf"(?<![\d.,£$€])(?<![£$€]\s){pattern}"
    extra = {
        "money": PAID,
        "recurrence": RECURRING,
        "count": COUNT_FIRST.format(units=units),
        "speed": WITHIN,
        "duration": A_SPAN,
        "extent": A_SPAN,
    }.get(dimension)
    if dimension == "count" and units == PERSONS:
        extra = f"{extra}|{GROUP_OF}"
    return re.compile(rf"{pattern}|{extra}" if extra else pattern, re.IGNORECASE)


def compared(question: str) -> tuple[str, str] | None:
    """The question asked of each of two things it compares: itself without the other thing."""
    if not (spans := _compared(question)):
        return None
    (a, b), (c, d) = spans
    return f"{question[:c]}{question[d:]}", f"{question[:a]}{question[b:]}"


def things_compared(question: str) -> tuple[str, str] | None:
    """The two things a question compares, as it names them ("N6", "N4"), if it compares two."""
    if not (spans := _compared(question)):
        return None
    (a, b), (c, d) = spans
    return question[a:b], question[c:d]


def without_compared(question: str) -> str:
    """The question without the two things it compares, what it asks of each ("which arm has the longer reach, the
    or the?"); the question itself if it compares none."""
    if not (spans := _compared(question)):
        return question
    (a, b), (c, d) = spans
    return f"{question[:a]}{question[b:c]}{question[d:]}"


def _compared(question: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """Where the two things a question compares are, if it compares two (`COMPARED`)."""
    for pattern in COMPARED:
        if found := pattern.search(question):
            return (found.span("a") if found.group("a") else found.span("c")), found.span("b")
    return None
