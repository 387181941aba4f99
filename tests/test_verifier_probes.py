"""Probes of the verifier: sentences of the kinds a small model writes from one it copies, with one thing put in,
left out or changed (a negation, a bound, a side, a day, a modal, an added claim). Each false one must be
withdrawn; the material's own sentences, shortened, must pass. Written while probing the verifier (BENCHMARKS.md,
eighteenth round); at the round's start 21 of the 38 false ones passed as supported. A condition after the claim is read
from the twentieth round on."""

import pytest

from appliance.answer import evidence, verify
from appliance.answer.events import Evidence
from appliance.search.shapes import Passage
from tests.conftest import FakeEmbedder

# (question, the material, a sentence written from it, whether the material supports it)
PROBES = [
    (
        "What do I do about the driver?",
        "If the LED blinks red, reset the driver with the black button.",
        "Reset the driver with the black button.",
        False,
    ),
    (
        "What do I do if the LED blinks red?",
        "If the LED blinks red, reset the driver with the black button.",
        "Reset the driver with the black button.",
        True,
    ),
    (
        "What do I do about the driver?",
        "If the LED blinks red, reset the driver with the black button.",
        "If the LED blinks red, reset the driver with the black button.",
        True,
    ),
    (
        "How big is the Wren-7?",
        "The Wren-7 is a small arm; the Wren-9 is its big brother.",
        "The Wren-7 is smaller than the Wren-9.",
        False,
    ),
    (
        "How big is the Wren-7?",
        "The Wren-7 is a small arm; the Wren-9 is its big brother.",
        "The Wren-7 is the smallest arm.",
        False,
    ),
    (
        "How heavy is the camera?",
        "Weight: 92 g without the lens.",
        "It weighs 92 grams without the lens.",
        True,
    ),
    (
        "What do I need to pass?",
        "You need at least 50 percent overall to pass the course.",
        "You need at most 50 percent overall to pass the course.",
        False,
    ),
    (
        "What do I need to pass?",
        "You need at least 50 percent overall to pass the course.",
        "You need more than 50 percent overall to pass the course.",
        False,
    ),
    (
        "What do I need to pass?",
        "You need at least 50 percent overall to pass the course.",
        "You need less than 50 percent to pass the course.",
        False,
    ),
    (
        "When is the report due?",
        "Hand in the lab report after the final lab session.",
        "Hand in the lab report before the final lab session.",
        False,
    ),
    ("What is the maximum payload?", "The arm's maximum payload is 3 kg.", "The arm's minimum payload is 3 kg.", False),
    (
        "How fast can the robot drive?",
        "The robot drives at up to 1.5 m/s indoors.",
        "The robot drives at up to 1.5 m/s outdoors.",
        False,
    ),
    (
        "Who may use the laser cutter?",
        "Only students who completed the induction may use the laser cutter.",
        "All students may use the laser cutter.",
        False,
    ),
    (
        "Who may use the laser cutter?",
        "Only students who completed the induction may use the laser cutter.",
        "Students who completed the induction may use the laser cutter.",
        True,
    ),
    (
        "When must the battery be charged?",
        "Always charge the battery in the fire-safe bag.",
        "Never charge the battery in the fire-safe bag.",
        False,
    ),
    (
        "When must the battery be charged?",
        "Always charge the battery in the fire-safe bag.",
        "Sometimes charge the battery in the fire-safe bag.",
        False,
    ),
    ("Is the lab open?", "The lab is open on weekdays.", "The lab is closed on weekdays.", False),
    (
        "How often are the coveralls replaced?",
        "Coveralls and hoods are replaced every Monday morning by the laundry service, or at once if they are soiled.",
        "Coveralls and hoods are replaced every Tuesday morning by the laundry service.",
        False,
    ),
    (
        "How often are the coveralls replaced?",
        "Coveralls and hoods are replaced every Monday morning by the laundry service, or at once if they are soiled.",
        "Coveralls and hoods are replaced every Monday evening by the laundry service.",
        False,
    ),
    (
        "What does the LED show?",
        "The red LED blinks a code when the driver stops the motor.",
        "The green LED blinks a code when the driver stops the motor.",
        False,
    ),
    (
        "Which switch is the motor kill?",
        "Confirm that switch SF on the left shoulder of the transmitter is set as the motor kill.",
        "Confirm that switch SF on the right shoulder of the transmitter is set as the motor kill.",
        False,
    ),
    (
        "Can students use the lab at weekends?",
        "Students may use the lab on Saturdays if a technician is present.",
        "Students must use the lab on Saturdays if a technician is present.",
        False,
    ),
    (
        "Can students use the lab at weekends?",
        "Students may use the lab on Saturdays if a technician is present.",
        "Students may use the lab on Saturdays even if no technician is present.",
        False,
    ),
    (
        "Can students use the lab at weekends?",
        "Students may use the lab on Saturdays if a technician is present.",
        "Students may use the lab on Saturdays if a teacher is present.",
        False,
    ),
    (
        "When is the exam?",
        "The written exam is in March, two weeks after the last lecture.",
        "The written exam is in May, two weeks after the last lecture.",
        False,
    ),
    (
        "How do I switch the pump on?",
        "Turn the key clockwise to switch the pump on.",
        "Turn the key anticlockwise to switch the pump on.",
        False,
    ),
    (
        "How do I switch the pump on?",
        "Turn the key clockwise to switch the pump on.",
        "Turn the key counterclockwise to switch the pump on.",
        False,
    ),
    (
        "How heavy is the Wren-9?",
        "The Wren-9 arm weighs 3.4 kg, about as much as the Wren-7.",
        "The Wren-9 arm weighs 3.4 kg, more than the Wren-7.",
        False,
    ),
    (
        "How heavy is the Wren-9?",
        "The Wren-9 arm weighs 3.4 kg, about as much as the Wren-7.",
        "The Wren-9 arm weighs 3.4 kg and is heavier than the Wren-7.",
        False,
    ),
    (
        "How heavy is the Wren-9?",
        "The Wren-9 arm weighs 3.4 kg, about as much as the Wren-7.",
        "The Wren-9 arm is the heaviest arm in the lab at 3.4 kg.",
        False,
    ),
    (
        "How do I clean the lens?",
        "Clean the lens with the isopropyl wipes from the kit.",
        "Usually clean the lens with the isopropyl wipes from the kit.",
        False,
    ),
    (
        "How do I clean the lens?",
        "Clean the lens with the isopropyl wipes from the kit.",
        "Clean the lens with the isopropyl wipes from the kit once a week.",
        False,
    ),
    (
        "When does the lab open?",
        "The lab opens at 9:00 on weekdays.",
        "The lab opens at 9:00 on weekdays and weekends.",
        False,
    ),
    ("When does the lab open?", "The lab opens at 9:00 on weekdays.", "The lab opens at 9:00 every day.", False),
    ("Can I use my own laptop on RoboNet-Lab?", "Personal laptops are not registered on RoboNet-Lab.", "No.", False),
    ("Can I use my own laptop on RoboNet-Lab?", "Personal laptops are not registered on RoboNet-Lab.", "Yes.", False),
    (
        "Can I use my own laptop on RoboNet-Lab?",
        "Personal laptops are not registered on RoboNet-Lab.",
        "Yes, you can.",
        False,
    ),
    (
        "Can I use my own laptop on RoboNet-Lab?",
        "Personal laptops are not registered on RoboNet-Lab.",
        "No, you cannot.",
        False,
    ),
    (
        "Can I use my own laptop on RoboNet-Lab?",
        "Personal laptops are not registered on RoboNet-Lab.",
        "Personal laptops are registered on RoboNet-Lab.",
        False,
    ),
    (
        "Can I use my own laptop on RoboNet-Lab?",
        "Personal laptops are not registered on RoboNet-Lab.",
        "Yes, personal laptops are registered on RoboNet-Lab.",
        False,
    ),
    (
        "Is the lab open on Sundays?",
        "The lab is closed on Sundays and public holidays.",
        "Yes, the lab is open on Sundays.",
        False,
    ),
    (
        "Is the lab open on Sundays?",
        "The lab is closed on Sundays and public holidays.",
        "The lab is closed on Sundays.",
        True,
    ),
    (
        "Is the lab open on Sundays?",
        "The lab is closed on Sundays and public holidays.",
        "The lab is not closed on Sundays.",
        False,
    ),
    # A condition after the claim, in its clause, is the claim's too; one after "or" or a reason is that part's.
    (
        "Who may use the lab on Saturdays?",
        "Students may use the lab on Saturdays if a technician is present.",
        "Students may use the lab on Saturdays.",
        False,
    ),
    (
        "Can I borrow the oscilloscope?",
        "Oscilloscopes may be borrowed for one week with the technician's written permission.",
        "You can borrow an oscilloscope for one week.",
        False,
    ),
    (
        "Can I borrow the oscilloscope?",
        "Oscilloscopes may be borrowed for one week with the technician's written permission.",
        "You can borrow an oscilloscope for one week with the technician's permission.",
        True,
    ),
    (
        "Is the lab open on Sundays?",
        "The lab is closed on Sundays except during exam weeks.",
        "The lab is closed on Sundays.",
        False,
    ),
    (
        "Do I need goggles?",
        "Goggles must be worn when the laser is running.",
        "Goggles must be worn.",
        False,
    ),
    (
        "When is the pad replaced?",
        "Replace the pad after 300 hours of use, or earlier if the rubber cracks.",
        "Replace the pad after 300 hours of use.",
        True,
    ),
    (
        "Why does the IMU drift?",
        "The position drifts because the small errors add up when the accelerations are integrated.",
        "The position drifts because the small errors add up.",
        True,
    ),
    # What the material names only to leave it out ("without its controller") is part of its claim, and never the
    # thing it states the value of (a walkthrough: "The Corvid-3 controller weighs 23.5 kg without its controller.").
    (
        "How heavy is the Corvid-3?",
        "The Corvid-3 weighs 23.5 kg without its controller.",
        "The Corvid-3 weighs 23.5 kg.",
        False,
    ),
    (
        "How heavy is the Corvid-3?",
        "The Corvid-3 weighs 23.5 kg without its controller.",
        "The Corvid-3 weighs 23.5 kg without its controller.",
        True,
    ),
    (
        "How much does the Corvid-3 controller weigh?",
        "The Corvid-3 weighs 23.5 kg without its controller.",
        "The Corvid-3 controller weighs 23.5 kg without its controller.",
        False,
    ),
    # Nor is what it names as coming with it (a walkthrough: "and with the mast?" was answered "The mast is 1.5 kg.").
    (
        "How much does the chassis weigh with the mast?",
        "The chassis weighs 1.2 kg. With the sensor mast mounted it weighs 1.5 kg.",
        "The mast is 1.5 kg.",
        False,
    ),
    (
        "How much does the chassis weigh with the mast?",
        "The chassis weighs 1.2 kg. With the sensor mast mounted it weighs 1.5 kg.",
        "With the sensor mast mounted it weighs 1.5 kg.",
        True,
    ),
    (
        "How long is the box?",
        "The box with the spare parts is 40 cm long.",
        "The spare parts are 40 cm long.",
        False,
    ),
    ("How long is the box?", "The box with the spare parts is 40 cm long.", "The box is 40 cm long.", True),
    (
        "How heavy is the base?",
        "Without the battery, the base weighs 9 kg.",
        "The base weighs 9 kg.",
        False,
    ),
    (
        "Is the lab open on Sundays?",
        "The lab is open every day except Sundays.",
        "The lab is open on Sundays.",
        False,
    ),
    (
        "Who may open the cabinet?",
        "No one other than the safety officer may open the cabinet.",
        "No one other than the safety officer may open the cabinet.",
        True,
    ),
    # A date in parts is one date: "on Friday" of "in week 9 on Friday" is any Friday.
    (
        "When is the final report due?",
        "The final project report is due in week 9 on Friday at 17:00.",
        "The final project report is due on Friday at 17:00.",
        False,
    ),
    (
        "When is the final report due?",
        "The final project report is due in week 9 on Friday at 17:00.",
        "The final project report is due in week 9 on Friday.",
        True,
    ),
    (
        "When is the lab open?",
        "The lab is open on Monday, Wednesday and Friday.",
        "The lab is open on Monday.",
        True,
    ),
    # A time of day is one number: 17:30 is none the material states, though it states 17 and 30.
    (
        "When does the lab close?",
        "The lab closes at 17:00, after a 30 minute clean-up.",
        "The lab closes at 17:30.",
        False,
    ),
    (
        "When does the lab close?",
        "The lab closes at 17:00, after a 30 minute clean-up.",
        "The lab closes at 17:00.",
        True,
    ),
    (
        "When is the lab open?",
        "The lab is open from 9:00 to 17:00 on weekdays, and until 20:00 during exam weeks.",
        "The lab is open until 20:00 on weekdays.",
        False,
    ),
    (
        "When does the coach leave?",
        "The coach leaves at 07:30 from bus bay 2.",
        "The coach leaves at 7:30 from bus bay 2.",
        True,
    ),
    # a range's end is the time it lasts until; another time, or another range's end, is not
    (
        "When does the lab close on Fridays?",
        "On Fridays the lab is open from 9:00 to 17:00.",
        "The lab is open until 17:00 on Fridays.",
        True,
    ),
    (
        "When does the lab close on Fridays?",
        "On Fridays the lab is open from 9:00 to 17:00.",
        "The lab is open until 18:00 on Fridays.",
        False,
    ),
    (
        "When does the lab close on Fridays?",
        "On Fridays the lab is open from 17:00 to 20:00.",
        "The lab is open until 17:00 on Fridays.",
        False,
    ),
    # a time written with a dot ("7.30", as British and German handouts write it) is the same time with a colon;
    # a decimal is no time, nor another time with the same digits
    (
        "When does the coach leave?",
        "The coach leaves at 7.30 from bus bay 2, and the workshop runs from 9.15 to 12.45.",
        "The coach leaves at 7:30 from bus bay 2.",
        True,
    ),
    (
        "When does the workshop end?",
        "The coach leaves at 7.30 from bus bay 2, and the workshop runs from 9.15 to 12.45.",
        "The workshop runs from 9:15 to 12:45.",
        True,
    ),
    (
        "When does the workshop end?",
        "The coach leaves at 7.30 from bus bay 2, and the workshop runs from 9.15 to 12.45.",
        "The workshop runs until 12:45.",
        True,
    ),
    (
        "When does the coach leave?",
        "The coach leaves at 7.30 from bus bay 2.",
        "The coach leaves at 7:03 from bus bay 2.",
        False,
    ),
    (
        "When does the coach leave?",
        "The coach weighs 7.30 tonnes and leaves from bus bay 2.",
        "The coach leaves at 7:30 from bus bay 2.",
        False,
    ),
    (
        "What is the gear ratio?",
        "The gearbox has a ratio of 11:1.",
        "The gearbox has a ratio of 12:1.",
        False,
    ),
    # A day inside the material's range of days is the material's: a model answering a question about one day
    # names that day ("on Wednesdays"), and its sentence was replaced by the quote.
    (
        "When can I work in the lab on Wednesdays?",
        "The lab is open Monday to Thursday from 08:30 to 19:00.",
        "The lab is open on Wednesdays.",
        True,
    ),
    (
        "When can I work in the lab on Wednesdays?",
        "The lab is open Mon\u2013Thu from 08:30 to 19:00.",
        "The lab is open on Wednesdays from 08:30 to 19:00.",
        True,
    ),
    (
        "When can I work in the lab on Fridays?",
        "The lab is open Monday to Thursday from 08:30 to 19:00.",
        "The lab is open on Fridays.",
        False,
    ),
    (
        "When can I work in the lab on Wednesdays?",
        "The lab is open Monday to Friday, except Wednesday.",
        "The lab is open on Wednesdays.",
        False,
    ),
    # A word of the sentence a pronoun leans on, put in place of the sentence's own verb: the walkthrough's "where
    # do I store lipos" was answered "I store them in a fire-resistant bag", shown as checked.
    (
        "Where do I store the batteries?",
        "LiPo batteries store a lot of energy. Charge them in a fire-resistant bag, never leave them unattended.",
        "I store them in a fire-resistant bag, never leave them unattended.",
        False,
    ),
    (
        "Where do I charge the batteries?",
        "LiPo batteries store a lot of energy. Charge them in a fire-resistant bag, never leave them unattended.",
        "Charge them in a fire-resistant bag.",
        True,
    ),
    # A fifth walkthrough's two sentences shown as checked: one person's name given another's role, and a
    # sentence joining the first clause's place to the second's time ("kept in the fridge for 30 minutes").
    (
        "Who is the bench technician?",
        "The workshop is led by Priya Vandersloot, with Tomasz Ekwueme as the bench technician.",
        "Priya Vandersloot is the bench technician.",
        False,
    ),
    (
        "Who is the bench technician?",
        "The workshop is led by Priya Vandersloot, with Tomasz Ekwueme as the bench technician.",
        "Tomasz Ekwueme is the bench technician.",
        True,
    ),
    # A seventh walkthrough's "Mirela Oduya, the new user." was shown as checked: every word is the material's, but
    # the role it gives her is of the people she trains; the one beside her name in the material is hers.
    (
        "Who trains new users on the 3D printer?",
        "A: The printer technician, Mirela Oduya, trains new users every Wednesday at 10:15.",
        "Mirela Oduya, the new user.",
        False,
    ),
    (
        "Who trains new users on the 3D printer?",
        "A: The printer technician, Mirela Oduya, trains new users every Wednesday at 10:15.",
        "Mirela Oduya, the printer technician, trains new users.",
        True,
    ),
    (
        "Who is the teaching assistant?",
        "Teaching assistant: Kofi Brandauer (office C-2).",
        "Kofi Brandauer is the teaching assistant.",
        True,
    ),
    # A title's full stop ends no part of a sentence: "Dr. Ilse Varga designed it" was withdrawn as saying of Ilse
    # what the material says of "Dr"; another person given the role still is.
    (
        "Who designed the Zorblax-7 gripper?",
        "The Zorblax-7 gripper was designed by Dr. Ilse Varga in 2019.",
        "Dr. Ilse Varga designed it.",
        True,
    ),
    (
        "Who is the bench technician?",
        "The workshop is led by Dr. Priya Vandersloot, with Prof. Tomasz Ekwueme as the bench technician.",
        "Dr. Priya Vandersloot is the bench technician.",
        False,
    ),
    # Found by bench/verifier.py: a "not" put in or left out where no word of meaning follows it.
    (
        "Does the extractor have to be on?",
        "Soldering only at the four soldering stations; the extractor must be on.",
        "Soldering only at the four soldering stations; the extractor must not be on.",
        False,
    ),
    (
        "Can I bring my laptop to the exam?",
        "Calculators are allowed; phones and laptops are not.",
        "Calculators are allowed; phones and laptops are.",
        False,
    ),
    (
        "In which weeks is the Kestrel-3 kit used?",
        "| Kit | Contents | Price | Used in |\n|---|---|---|---|\n"
        "| Kestrel-3 | practice board, 40 through-hole resistors, 6 LEDs | 18 euros | weeks 1–3 |",
        "The Kestrel-3 kit is used in weeks 1–3.",
        True,
    ),
    (
        "How long does solder paste need to warm up before use?",
        "Solder paste is kept in the fridge in B14 and must warm up for 30 minutes at room temperature before use.",
        "Solder paste must be kept in the fridge for 30 minutes at room temperature before use.",
        False,
    ),
    (
        "How long does solder paste need to warm up before use?",
        "Solder paste is kept in the fridge in B14 and must warm up for 30 minutes at room temperature before use.",
        "Solder paste must warm up for 30 minutes at room temperature before use.",
        True,
    ),
]


@pytest.mark.parametrize(("question", "page", "sentence", "supported"), PROBES)
def test_a_sentence_changing_what_the_material_says_is_withdrawn(question, page, sentence, supported):
    passage = Passage("c", "d", "probe.md", None, None, "Notes", page, 0, len(page), 1.0, 0.9)
    items = [Evidence(a, b, page[a:b], 1.0) for a, b in evidence.sentences(page)]
    checked = verify.Verifier(question, {1: items}, [passage], FakeEmbedder(), 0.0).check(f"{sentence} [1]")
    assert checked.supported == supported, checked.reason


def test_a_number_its_context_has_only_as_a_codes_digits_is_not_the_materials():
    """Found by bench/verifier.py: "Up to 20 servos can share one bus." passed beside "Up to 60 servos ..." under the
    heading "Kessra KS-20 Smart Servo", whose code gave the "20"."""
    page = "Up to 60 servos can share one half-duplex TTL bus."
    passage = Passage("c", "d", "probe.md", None, None, "Kessra KS-20 Smart Servo", page, 0, len(page), 1.0, 0.9)
    items = [Evidence(0, len(page), page, 1.0)]
    checker = verify.Verifier("How many servos share a bus?", {1: items}, [passage], FakeEmbedder(), 0.0)
    assert not checker.check("Up to 20 servos can share one half-duplex TTL bus [1].").supported
    assert checker.check("Up to 60 servos can share one half-duplex TTL bus [1].").supported
