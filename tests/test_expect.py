"""The kind of answer a question asks for, and which sentences state one (appliance/answer/expect.py)."""

import pytest

from appliance.answer.evidence import kin_of
from appliance.answer.expect import expected, spells, values, without_units

STATES = [
    ("How much does the Zorblax-7 weigh?", "quantity", "It has a mass of 740 grams, fingers included."),
    ("What is the maximum payload of the Kestrel-3?", "quantity", "It carries at most 0.5 kg."),
    ("How heavy is the arm?", "quantity", "The arm has a weight of 14.5 kg, so at least two people lift it."),
    ("Zorblax-7 air pressure?", "quantity", "Supply it with dry air at 6.5 bar."),
    ("How much is the deposit for a kit?", "quantity", "The deposit is £40."),
    ("Late fee for kits?", "quantity", "A late fee of 3 pounds is charged for every day."),
    ("After how many operating hours is the arm recalibrated?", "quantity", "Every 40 operating hours."),
    ("How often are the emergency stops tested?", "quantity", "They are tested every Monday morning."),
    ("how often is the pre-filter changed", "quantity", "Change it every 100 operating hours."),
    ("how often is the nozzle cleaned", "quantity", "The nozzle is wiped after each use and replaced monthly."),
    ("how often do the coveralls get swapped", "quantity", "They are replaced every other week by the laundry."),
    # a moment ("the start of") is no property the value is of, as "a repeatability of" is
    ("how often do i calibrate the scanner", "quantity", "Calibrate at the start of every session."),
    # a unit per time written as one symbol: litres per minute
    ("what argon flow do i set", "quantity", "Set the argon flow to 8–10 l/min."),
    ("what is the pump's flow rate", "quantity", "It moves 3 m³/h."),
    ("How many students may be in the lab at once?", "quantity", "No more than six students may be in the lab."),
    ("How many scans per second does the lidar make?", "quantity", "Its head spins to make 15 scans per second."),
    ("Who is the lab's safety officer?", "person", "The safety officer is Ilse Marrow."),
    ("Who replaced the pull cord?", "person", "2026-07-02 | A. Ferreira-Knox | Pull-cord switch replaced."),
    ("Which booking system do we use?", "name", "Time is booked in the Kestrel booking system."),
    ("which pin do i use for the hardware trigger", "name", "Use pin 2 for triggering from the light barrier."),
    # a thing of the kind picked, by a word of its own: no name in it (fresh19-tune)
    (
        "which equations are on the formula sheet?",
        "name",
        "It gives the buoyancy, drag and battery run-time equations.",
    ),
    ("which sensor do we use for navigation?", "name", "The pressure sensor is used for navigation."),
    ("Vexmoor part number?", "code", "Its part number is VB-2231."),
    ("Where do I return a borrowed kit?", "place", "Kits go back to room B-119."),
    ("where's the exchange coordinator's office", "place", "International Office, room A-1.42."),
    ("On what date is demo day?", "date", "Demo day is on 3 June 2027."),
    ("What is the maximum flow rate of the pump?", "quantity", "It pumps at most 18 litres per minute."),
    # a sensor's range is in what it senses
    ("imu-9 max gyro range", "quantity", "The gyroscope's full-scale range is ±2000 °/s."),
    ("what's the biggest part I can print on a P4", "quantity", "The P4 build volume is 230 by 210 by 245 mm."),
    ("what is the accelerometer range", "quantity", "Its accelerometer full-scale range is ±16 g."),
    (
        "How many litres of coolant does the pump move every minute?",
        "quantity",
        "It moves 85 litres of coolant every minute.",
    ),
    ("How quickly does the chamber change temperature?", "quantity", "It ramps at 3 degrees Celsius per minute."),
    ("what's the bandwidth of the scope", "quantity", "Each has a bandwidth of 100 MHz."),
    ("At what frequency does the radio transmit?", "quantity", "It transmits at 2.4 GHz."),
    ("frame rate of the camera at full res", "quantity", "Frame rate at full resolution | 54 fps"),
    ("who's the head referee", "person", "Head referee: Priya Okonkwo-Lindqvist."),
    # what is counted before its number: a label's value, a limit
    ("how many seats are in the lab", "quantity", "Seats: 24"),
    ("how many spots are there on the field trip", "quantity", "Spots are limited to 36, given in order."),
    # room counted in whichever word the material uses for it
    ("how many spots are there on the field trip", "quantity", "Places are limited to 36, given in order."),
    ("how many seats does the bus have", "quantity", "The coach has 48 places."),
    # a first name alone, where a sentence asks or borrows from one
    ("who do i ask to borrow a cabinet key", "person", "Students borrow a key from Jonas and sign it out."),
    ("Who hands out the lockers?", "person", "For a locker, ask Priya."),
    ("How does a lidar measure distance?", "", "It times laser light reflected from surfaces."),
    ("How long is the jaw stroke?", "quantity", "Each jaw travels 38 millimetres."),
    ("What are the lab's opening hours on Friday?", "quantity", "On Fridays the lab is open 10:00 to 14:00."),
    ("What are the office hours?", "quantity", "Office hours: Tuesdays from 2 pm in room B-12."),
    ("stores opening hours?", "quantity", "Stores are staffed 9:00–12:30 on weekdays."),
    ("How long is a loan?", "quantity", "A kit may be borrowed for 14 days."),
    ("How high is the lidar mounted?", "quantity", "It is mounted at a height of 22 centimetres."),
    ("How far can the lidar see?", "quantity", "It sees objects up to 12 metres away."),
    ("How many fingers does the gripper have?", "quantity", "It is a two-finger pneumatic gripper."),
    ("How many batteries does the rover take?", "quantity", "The rover runs on 2 battery packs."),
    ("How long does it take to charge a battery pack?", "quantity", "A full charge takes around 70 minutes."),
    ("What is the heaviest part allowed on the belt?", "quantity", "A part must not weigh more than two kilograms."),
    ("How many LiPo packs can be charged at once?", "quantity", "At most four packs can be charged at once."),
    ("Which solder wire diameter is used for boards?", "quantity", "Use the 0.7 mm solder wire for boards."),
    ("How much do late projects lose per day?", "quantity", "A late project loses ten percent of its mark per day."),
    ("What is the lidar's angular resolution?", "quantity", "Its angular resolution is near 0.5 to 1 degree."),
    ("How many degrees does the lidar scan?", "quantity", "It scans a full 360 degrees at 10 Hz."),
    ("What is the highest temperature allowed?", "quantity", "Keep it below 40 °C."),
    # a value given as "a <property> of": the property asked for, one of its dimension's words, or no property
    ("What is the maximum reach of the arm?", "quantity", "The arm reaches objects at a distance of 0.9 metres."),
    ("How long is the arm's reach?", "quantity", "It has a reach of about 90 cm."),
    ("What is the maximum opening of the Panda's gripper?", "quantity", "Parallel-jaw gripper (max 0.08m opening)"),
    ("How many students are there in each project team?", "quantity", "You work in teams of three students."),
    # people counted by what the material calls them
    ("How many people can be in a project team?", "quantity", "Teams have at most three students, formed by week 6."),
    ("How many persons may fly at once?", "quantity", "Only one pilot flies at a time, with a spotter."),
    # what a device draws: amps when the question names the current, watts or a share of full power for the power
    ("How much current does the sensor draw?", "quantity", "It draws 4.1 mA with all three axes on."),
    ("How much does the board draw?", "quantity", "The regulator supplies at most 500 mA to the board."),
    ("How much does the board draw?", "quantity", "The board draws 2.5 W."),
    ("What is the most power the laser may be run at?", "quantity", "It must never be run above 85 % power."),
    ("how loud is the fume extractor in db", "quantity", "At full suction it runs at 52 dB(A)."),
    ("How noisy is the compressor?", "quantity", "It is quiet: 40 decibels at one metre."),
    # a capacity in whatever the thing takes; a size in lengths, whatever the thing measured is called
    ("whats the rated capacity of the tq50", "quantity", "It has a rated capacity of 50 N·m in both directions."),
    ("What is the battery capacity?", "quantity", "The pack is rated 5000 mAh."),
    ("What is the load capacity of the cart?", "quantity", "It carries up to 40 kg."),
    ("how big is the mocap capture volume", "quantity", "The capture volume is 5 m \u00d7 4 m and 2.5 m high."),
    ("What torque does the servo give?", "quantity", "It gives 1.2 N·m at 6 V."),
    # a factor is a number of no unit, whatever quantity it multiplies
    ("How much does the Vorlan gearbox multiply torque?", "quantity", "It multiplies torque by exactly eleven."),
    # a number to call answers "who do I call", as a name does
    ("who do i call if the network goes down", "contact", "For an outage, call the IT office on extension 4417."),
    ("who do i call if i miss the bus", "contact", "Call Aino Vestergaard on 0172 448 903."),
    ("Who should I contact about a broken kit?", "contact", "Broken kits are reported to Ilse Marrow at the desk."),
    ("whats the phone extension of the workshop", "phone", "The workshop answers on extension 4417."),
    ("What is the nominal voltage of the pack?", "quantity", "The pack has a nominal voltage of 7.4 V, at most 8.4 V."),
    ("can i weld aluminium with the normal permit", "", "Aluminium needs a second session after at least 5 hours."),
    # an address however title-like its table row (a tuning half's "whats fenna tolvane's email")
    ("whats fenna tolvane's email", "email", "Teaching Assistant | Fenna Tolvane | f.tolvane@lud-uni.example | LM-309"),
    ("what is the TA's e-mail address?", "email", "Write to the TA at ta.hy238@lud-uni.example."),
    # nothing to pay is a price
    ("How much does printing cost?", "quantity", "Printing on the lab printer is free for students."),
    ("How much does the induction cost?", "quantity", "The induction is offered at no cost."),
    # coursework counts for a share of the grade
    ("how much does the colloquium count towards the grade", "quantity", "The colloquium is weighted 25 %."),
    # a report is long in pages or words; a file big in bytes
    ("How long should the report be?", "quantity", "The report is 30 to 50 pages long."),
    ("How long is the essay?", "quantity", "At most 3000 words, appendices excluded."),
    ("how big can the zip archive be", "quantity", "Pack code and data into one ZIP archive of at most 2 GB."),
    # a servo's torque in kgf·cm, a supply's 12 VDC
    ("What torque does the servo give?", "quantity", "Stall torque: 9.4 kgf·cm at 4.8 V."),
    ("What voltage does the controller take?", "quantity", "It takes 12VDC on the screw terminal."),
    # a numbered place, a place in a word; a first name questions go to
    ("Where is the key to the cage kept?", "place", "The key is kept in drawer 2 of the desk."),
    ("Where do I pick up my badge?", "place", "Badges are handed out at reception."),
    # "what size" asks for a size, a "temp" is a temperature, people are counted as students (fresh11 tuning)
    ("what size pcb fits in the ro6", "quantity", "Maximum board size (mm) | 240 \u00d7 180 mm"),
    ("whats the max temp of the oven", "quantity", "Maximum temperature (°C) | 300 °C"),
    ("how many people per team in rbt372", "quantity", "Four or five students."),
    # a ratio, one number to another (a fresh6 tuning question)
    ("mix ratio maravel 10", "quantity", "Maravel 10: a tin-cure silicone, mixed 10:1 by weight."),
    ("what is the gear ratio of the ks-20", "quantity", "A steel gear train (ratio 1:212)."),
    # what one may put on a thing is its load (a fresh10 tuning question)
    ("whats the heaviest thing i can put on the turntable", "quantity", "Maximum load (kg) | 5 kg"),
    # a time of day (a fresh10 tuning question), a deadline told by the day before
    ("what time does the nightly backup run", "quantity", "The server makes a backup every night at 02:00."),
    (
        "whats the deadline to book a seat on the shuttle",
        "date",
        "Seats are booked on the intranet by 12:00 on the working day before the trip.",
    ),
    ("Where is demo day held?", "place", "Demo day takes place in V-114 from 14:00 on 3 June 2027."),
    ("Who do questions about grades go to?", "person", "Questions about grades go to Carys first."),
    # whom to turn to is answered by a role as by a name
    ("who do i ask for an extension on my peer review", "person", "An extension is granted only by the lead TA."),
    ("who do i tell if my bike is stolen", "person", "If your bike is stolen, tell campus security at once."),
    ("who is in charge of the door cards", "person", "Door cards are issued by the porter's desk in P-002."),
    # and whose duty or right a thing is, by the people it falls to (a fresh15 tuning question)
    (
        "Who has to act as spotter when a rover is test driven?",
        "person",
        "Speed limited to 0.5 m/s; one team member acts as spotter during every test drive",
    ),
    ("who may use the lathe", "person", "Only staff may use the lathe; students hand in drawings."),
    # and whose job it is, by a role said to do it (fresh23-tuning questions)
    ("who marks the lab books", "person", "The lab books are marked by the demonstrators of the other group."),
    ("who teaches the course", "person", "The course is taught by the lecturer who teaches the labs."),
    ("who can open the cabinet", "person", "A technician opens the cabinet on request."),
    # a power supply is told by its volts and amps
    ("What power supply does the stepper driver need?", "quantity", "Use a 24 V, 5 A supply from the cabinet."),
    # a speed in millimetres a second, a network's in bits; a time in milliseconds; a price in a currency's code
    ("How fast does the conveyor run?", "quantity", "The belt runs at 150 mm/s when loaded."),
    ("How fast is the lab network?", "quantity", "Each desk has a 100 Mbit/s port."),
    ("How long does the trigger take to fire?", "quantity", "It fires within 2 ms of the light barrier."),
    # a time counted from something else answers a question about waiting, and the thing's own length its own
    ("How long until I can retake the quiz?", "quantity", "Students who fail repeat it after one week."),
    # a byline names who did it, though its names, role and date make it look like a title (a fresh16 tuning question)
    (
        "who issued the safety notice for the hexapod lab?",
        "person",
        "Issued by Priya Halloway, Lab Manager, 12 January 2027.",
    ),
    # marks counted in points (a fresh15 tuning question)
    (
        "how many marks do you lose per day for handing stuff in late?",
        "quantity",
        "Work handed in late loses 5 percentage points for each working day.",
    ),
    # people counted by the size of their group
    ("how many people in a team at nordvik", "quantity", "Students work in teams of four, formed on day one."),
    ("How long does the tour last?", "quantity", "After a 10-minute briefing, the tour lasts 90 minutes."),
    ("How long is the control theory exam?", "quantity", "A written exam of 120 minutes (two hours)."),
    ("How long does the hearing last?", "quantity", "The hearing lasts two hours, after which the panel decides."),
    ("How long is the lid shut?", "quantity", "Keep the lid shut for 30 seconds after a cut."),
    ("what is the deposit for a day card", "quantity", "Reception lends a day card against a deposit of 20 EUR."),
    # how long one has to do something is a time allowed, a deadline among them
    ("how long do i have to appeal a decision", "quantity", "Appeal within one month after you receive it."),
    ("how much does a day card cost", "quantity", "Reception lends a day card against a deposit of 20 EUR."),
    ("how deep is the basin", "quantity", "It is 12 m long, 6 m wide and 3.5 m deep."),
    ("how deep is the test basin at the deep end", "quantity", "The floor slopes to 3.5 metres at the deep end."),
    ("How much does the sensor cost?", "quantity", "It costs 49 EUR from the stores."),
    # a deadline as a course's rules write it: a teaching week, a month, a time after something, a period's end
    ("When is the lab report due?", "date", "Reports are due at the end of week 11."),
    ("When is the resit held?", "date", "The resit demonstration is held in January."),
    ("What's the deadline for a regrade request?", "date", "Ask within 7 days of the grade being published."),
    ("What's the deadline for registration?", "date", "Register two weeks before the exam."),
    ("What's the deadline for the poster?", "date", "Posters are due by the end of the semester."),
    # a deadline at a session's start
    ("When is the lab report due?", "date", "Hand it in at the start of the next lab session."),
    # "by when": a deadline asked for (a tuning half's was left in doubt beside the day and hour it asks for)
    ("by when do i have to upload my slides", "date", "Upload your slides by Tuesday 23:59 of the week of your talk."),
    # which teaching weeks: when, not how long (a walkthrough's question was typed as a duration and refused the
    # table's row); a week in a word or a range of them
    ("In which weeks is the Kestrel-3 kit used?", "date", "Kestrel-3 | practice board | 18 euros | weeks 1–3"),
    ("Which week is the final assessment in?", "date", "The final assessment takes place in week six."),
    ("In what month is the fair?", "date", "The fair is held in March."),
    # a laser's power in milliwatts, a spindle's in horsepower; a price with its currency's code first
    ("What is the laser's power?", "quantity", "The laser diode emits 5 mW at 650 nm."),
    ("What power does the spindle have?", "quantity", "The spindle motor is rated at 0.8 hp."),
    ("How much does a kit cost?", "quantity", "A kit costs CHF 40, paid at the stores."),
    ("How much is the deposit?", "quantity", "The deposit is 200 kr, returned with the kit."),
    # a thin layer in micrometres
    ("How thick is the coating?", "quantity", "The coating is 25 µm thick."),
    # a colour, in any of its words
    ("What colour is the emergency stop?", "colour", "The emergency stop is the red mushroom button."),
    ("which colours of PLA are there", "colour", "PLA comes in black, white and transparent."),
]

MISSES = [
    # which weeks asks when: a length of weeks is no answer
    ("In which weeks is the Kestrel-3 kit used?", "The Kestrel-3 kit lasts three weeks."),
    # the right subject, the wrong kind of answer: what makes a near-topic question unanswered
    ("What is the maximum operating temperature of the gripper?", "Supply it with dry air at 6.5 bar."),
    ("How much does the Zorblax-7 weigh?", "The Zorblax-7 is a two-finger pneumatic gripper."),
    ("How much electrical power does the chamber use?", "The chamber holds 20 to 85 degrees Celsius."),
    ("What is the minimum range of the lidar?", "It sees objects up to a maximum range of 12 metres."),
    # a bound is no usual value (the sample course's "do not discharge a cell below about 3.0 V")
    ("What is the nominal voltage of a LiPo battery pack?", "Never discharge a cell below about 3.0 V."),
    ("Who manufactures the Vexmoor bracket?", "Its part number is VB-2231."),
    ("Who supplies the keys?", "Keys come from Vexmoor boxes in the store."),
    # a unit's letter stands apart from its number only in words: "3 gives a" is an article, no amperes (fresh9)
    (
        "how many amps can channel 1 of the dp3205 give",
        "Channels 1 and 2 are adjustable and isolated; channel 3 gives a fixed low voltage for logic circuits.",
    ),
    # a count's noun before a number of something measured
    ("how many spots are there on the field trip", "Spots are 3 km from the bus stop."),
    ("What are the lab's opening hours on Friday?", "A lab session on Friday lasts 90 minutes."),
    # hours are a span: a session at a time is an event
    ("what are the opening hours of room B-114", "The induction is a session held every Tuesday at 15:10."),
    ("Who manufactures the Zorblax-7 gripper?", "Handout G2: The Zorblax-7 Pneumatic Gripper"),
    ("Which booking system do we use?", "A booking nobody uses within 20 minutes is released."),
    # another thing's number is no pin's
    ("which pin do i use for the hardware trigger", "The trigger fires within 2 ms of the light barrier."),
    # nor is a thing of the kind with no word of its own picking it
    ("which battery do i use?", "Charge the battery before each use."),
    ("which sensor do we use for navigation?", "Each sensor is checked before the dive."),
    ("which depth sensor is fitted?", "The depth sensor is checked before the dive."),
    ("Where do I return a borrowed kit?", "The deposit is returned when the kit comes back complete."),
    ("On what date is demo day?", "On demo day every team shows its cell."),
    # how often is asked of a time, not of things: "every" before a thing says nothing of it
    ("how often is the fume extractor checked", "There is a fume extractor at every station."),
    ("how often is the gripper serviced", "Each jaw of the gripper travels 38 mm."),
    ("How much is the deposit for a kit?", "The deposit is returned when the kit comes back."),
    ("How quickly does the chamber change temperature?", "It holds any temperature from 20 to 85 degrees."),
    # an angle is not a temperature: robotics notes give angles in bare degrees
    ("What is the maximum operating temperature of a lidar?", "A 2D lidar scans a full 360 degrees at 5 to 15 Hz."),
    ("What is the lidar's field of view?", "It is mounted 22 cm high and works from 0 to 50 degrees Celsius."),
    # a length of another thing: the mounting height is not the range
    ("What is the range of the lidar?", "On the rover it is mounted at a height of 22 centimetres."),
    ("How wide is the bracket?", "The bracket is 4 millimetres thick."),
    # a gripper's opening is no reach (a walkthrough: the Panda's reach answered with "max 0.08m opening")
    ("What is the maximum reach of the Franka Emika Panda?", "Parallel-jaw gripper (max 0.08m opening)"),
    # a mass of another property: the weight is no payload, the payload no weight
    ("What is the maximum payload of the Kestrel-3?", "The Kestrel-3 weighs 1.4 kilograms."),
    ("How heavy is the arm?", "The max payload of the arm is 3.2 kg."),
    ("How much does the Heron-4 weigh?", "Its gripper can hold at most 1.8 kg."),
    ("How much can the arm lift?", "The arm weighs 7.3 kg."),
    # a value of another property of the same dimension: a repeatability is no reach, a tolerance no range
    ("What is the maximum reach of the arm?", "The arm reaches the same point with a repeatability of 0.05 mm."),
    ("What is the lidar's minimum range?", "It is accurate to a tolerance of about 3 cm."),
    # a sensor's range is not its package's size
    ("imu-9 max gyro range", "The IMU-9 is a 3 by 3 by 0.83 mm LGA-14 package."),
    ("What power supply does the stepper driver need?", "The driver weighs 300 g."),
    # a number of things is no place; a thing one goes to is no person
    ("Where is the key to the cage kept?", "There are 2 keys to the cage."),
    # a date, a year or an hour is no place (the dev set's "Where is demo day held?")
    ("Where is demo day held?", "The course ends with demo day, which is on 3 June 2027."),
    # a length of time is no time of day
    ("what time is the briefing", "The briefing lasts 90 minutes."),
    # an hour of the clock is no ratio
    ("what is the gear ratio of the ks-20", "The lab opens at 14:00."),
    ("where does the shuttle leave from", "It leaves at 07:45 on weekdays."),
    ("Who do questions about grades go to?", "Questions about grades go to Moodle forum threads."),
    # a speed is no length: the metres of m/s² divide
    ("What is the gyro's maximum range?", "VN-100 | $749 | 0.0035°/s | 0.0014 m/s² | Research"),
    # a count of something else
    ("How many students are there in each project team?", "Each team has a part budget of 150 euros."),
    # a current is no power, a share no power unless it is a share of the power
    ("How much current does the sensor draw?", "The coils take 2.5 W each."),
    ("How much power does the lidar draw?", "It draws 0.5 A at 12 V."),
    ("How much electrical power does the chamber use?", "It keeps the humidity at 40 %."),
    # a count of things is no count of people
    ("How many people can be in a project team?", "Each team gets two kits and a part budget of 150 euros."),
    # room is no count of people or of anything else
    ("how many spots are there on the field trip", "Sign up with 3 friends by 20 January."),
    ("how many seats does the bus have", "A no-show is charged €25 for the seat."),
    ("how many seats does the bus have", "A no-show is charged € 25 for the seat."),
    # a sound level is stated in decibels: a count of the machines or a distance is none
    ("how loud is the fume extractor in db", "Room E-118 has eight solder fume extractors, one per station."),
    ("How loud is the compressor?", "Keep the compressor 2 m from the bench."),
    # a rate needs its "per day"
    ("How much do late projects lose per day?", "A late project loses ten percent of its mark."),
    # a share of the grade gives no marks (a fresh16 tuning question)
    ("how many marks is the lab 3 report worth?", "Lab report 3: 10 percent, 6 March"),
    # a battery's capacity is no voltage; a tank's size no pressure; a torque no force
    ("What is the battery capacity?", "The pack gives 14.8 V."),
    ("How big is the tank?", "It is filled at 2 bar."),
    ("What torque does the servo give?", "It grips with a force of 42 N."),
    # a number to call is none of: the question's own code in another spelling, a week, a year, a date
    ("whats the phone number of the rbt260 tas", "The teaching assistants (TAs) of RBT-260 hold office hours."),
    ("whats fenna tolvane's email", "Teaching Assistant | Fenna Tolvane | LM-309 | Friday 13:00"),
    ("whats the phone number of the rbt260 tas", "Their rooms are announced in the course forum in week 12."),
    ("whats the phone number of the rbt260 tas", "Policy for the autumn semester 2026."),
    ("what is the phone number of the workshop", "The workshop opens on 2026-03-01 at 8.30."),
    ("who do i call if the network goes down", "The network goes down for maintenance every Sunday night."),
    # a role answers whom to turn to, not who did a thing, and a role it is: "the TA sessions" name none
    ("who designed the gripper", "It was designed by the lab technician."),
    # a role said to do another thing does no duty asked about: "Who manufactures ..." of the one who fits it
    ("Who manufactures the Zorblax-7 gripper?", "It is fitted by the lab technician."),
    ("who moderates the lab book marks", "The lab books are marked by the demonstrators."),
    ("who do i ask about the demo", "The demo is in the lab on Friday."),
    # "who can I ask" asks whom to turn to; a sentence naming no one answers no duty's question either
    ("who must sign the form", "The form is signed in ink."),
    ("who has to wear goggles", "Goggles hang by the door."),
    # free of something is no price
    ("How much does the induction cost?", "The bench must be free of clutter."),
    ("How much does the induction cost?", "The part should pop free of the sheet."),
    ("how much is the lab report worth", "The report is due on 3 June."),
    # a part's points are not what the whole is worth
    ("how much is the project demo worth", "The demo rubric awards up to 40 points for the task succeeding."),
    # a speed is no length: the conveyor's belt width is not how fast it runs
    ("How fast does the conveyor run?", "The belt is 150 mm wide."),
    # a loan is long in time, not in pages
    ("How long can I borrow a kit?", "The manual has 40 pages."),
    ("When is the lab report due?", "Reports are marked by two examiners."),
    ("When is the lab report due?", "You may resit it if we may allow this."),
    # a session is no deadline without its edge; a CAD model's number is no price; a torque is no length
    ("When is the lab report due?", "Bring your notebook to every lab session."),
    ("How much does a kit cost?", "The kit's parts are drawn in CAD 2 of the course files."),
    ("How thick is the bracket?", "Tighten its screws to 2.5 Nm."),
    # a walkthrough's colour of filament was answered with its diameter
    ("What colour of filament should I use for the Talvik P3?", "The Talvik P3 uses PLA filament of 1.75 mm diameter."),
    ("which color are the lab coats", "Lab coats hang by the door of room B12."),
    # a length said to be another measure by its adjective is no depth, though the sentence names the deep end
    ("how deep is the test basin at the deep end", "The test basin at the deep end is 12 m long and 6 m wide."),
    # a group's size counts people, not the group's things
    ("how many people in a team", "Each team gets two kits."),
    # how long a thing itself lasts is not a time counted from something else, nor between repeats
    ("How long does the induction quiz take?", "Students who do not pass the quiz repeat it after one week."),
    ("How long is the safety briefing?", "The briefing is given again every 6 months."),
    # a sum of money owed for another thing: a deposit is no fine
    ("whats the fine if i lend my card to someone", "Reception lends a day card against a deposit of 20 EUR."),
    # nor a time before or after something else, nor a deadline
    ("How long is the control theory exam?", "You may withdraw until seven days before the exam."),
    ("how long does the misconduct hearing last", "The hearing takes place within ten working days after the report."),
]


@pytest.mark.parametrize(("question", "kind", "sentence"), STATES)
def test_a_question_is_typed_and_a_sentence_stating_its_answer_fits(question, kind, sentence):
    wanted = expected(question)
    assert wanted.kind == kind
    assert wanted.fits(sentence)


@pytest.mark.parametrize(("question", "sentence"), MISSES)
def test_a_sentence_of_another_kind_does_not_fit(question, sentence):
    assert not expected(question).fits(sentence)


@pytest.mark.parametrize(
    ("question", "kind", "dimension"),
    [
        # the "what ..." phrase names what is asked: a rate, not the current of the loop it is about
        ("At what rate is a motor current loop typically run?", "quantity", "rate"),
        ("Which solder wire diameter is used for boards?", "quantity", "length"),
        # ... or names something that is no dimension: the depth camera's resolution is not a depth
        ("What resolution does a depth camera have?", "", ""),
        # a word of a compound asks for nothing: long-term is no length
        ("Which long-term support releases of ROS 2 are there?", "name", ""),
        # what something does to a quantity is an explanation, not a value
        ("What does a 50:1 gearbox do to speed and torque?", "", ""),
        ("What is the depth of the tank?", "quantity", "length"),
        # "the number of" counts what follows it, as "how many" does
        ("What is the maximum number of students allowed in the lab at once?", "quantity", "count"),
        # the current asked for by name, though the question says "draw"; "draw" alone is a power or a current
        ("How much current does the sensor draw?", "quantity", "current"),
        ("How much power does the conveyor motor draw?", "quantity", "power"),
        ("How much does the board draw?", "quantity", "draw"),
        # a term a measure's word begins asks what it is; a measure asked of something asks for its value
        ("What is force closure?", "", ""),
        ("What is a torque sensor?", "", ""),
        ("what is a rate limiter", "", ""),
        ("What is the gripper force?", "quantity", "force"),
        ("What is the force limit?", "quantity", "force"),
        ("What is the price of the Wren-7 arm?", "quantity", "money"),
        # how much a thing is, is its price; how much it weighs, its mass
        ("how much is an abs sheet", "quantity", "money"),
        ("How much is one spare battery?", "quantity", "money"),
        ("How much is the payload?", "quantity", "mass"),
        # a colour temperature is no colour
        ("What colour temperature should the LED panels be set to?", "quantity", "temperature"),
        ("how much does a KS-20 weigh", "quantity", "mass"),
        ("How much is the deposit?", "quantity", "money"),
        # opening and office hours are times of day, not a length of time
        ("What are the lab's opening hours on Friday?", "quantity", "clock"),
        ("what are the office hours", "quantity", "clock"),
        ("How many hours may I book?", "quantity", "duration"),
        # a sensor's range is in what it senses; a lidar's in metres
        ("imu-9 max gyro range", "quantity", "sensing"),
        # the biggest part is a size; the biggest risk no quantity
        ("what's the biggest part I can print on a P4", "quantity", "size"),
        ("what is the biggest risk when soldering", "", ""),
        ("What is the range of the lidar?", "quantity", "length"),
        ("How long should the report be?", "quantity", "extent"),
        # a follow-up judged with the words it carries (fresh17-tune: a time asked, the 4,000 words refused)
        ("how long can it be? HX429 final report due", "quantity", "extent"),
        ("How long can I borrow a kit?", "quantity", "duration"),
        ("How long can a print be left on the bed?", "quantity", "duration"),
        ("What power supply does the stepper driver need?", "quantity", "supply"),
        ("How long does the charger take?", "quantity", "duration"),
        ("how much does the colloquium count towards the final grade", "quantity", "share"),
        ("what is the exam's weight in the final grade", "quantity", "share"),
        # a piece of coursework has no mass: its weight is its share of the grade; a robot's is a mass
        ("What weight does the written exam have?", "quantity", "share"),
        ("what weight has the robot project", "quantity", "share"),
        ("What is the weight of the robot?", "quantity", "mass"),
        # how early is how long before; an actuator's travel is a length, a travel grant none
        ("how early do i have to apply for a travel grant", "quantity", "duration"),
        ("can i get two travel grants in one year", "", ""),
        ("what is the travel of the la-25", "quantity", "length"),
        # what a student may reach or move is no length asked for; an arm's reach is
        ("can i reach under the heater", "", ""),
        ("do i need to move the robot to charge it", "", ""),
        ("How far can the Wren-7 reach?", "quantity", "length"),
        # asking whether one can or does asks for no value, whatever it names; how much or a limit does, and so
        # does whether there is a sum (fresh9-tune's lab power supply question was refused for want of volts)
        ("can i charge my lipo with the lab power supply", "", ""),
        # a numbered week or day is a moment named, not a length asked for
        ("is there a seminar in week 11", "", ""),
        ("is the workshop open on day 3 of the trip", "", ""),
        ("do you get money for being a mentor", "", ""),
        ("can the arm lift 5 kg", "", ""),
        ("can i borrow it for more than two weeks", "", ""),
        ("can i find out how much the arm weighs", "quantity", "mass"),
        ("is there a fee for booking the cage", "quantity", "money"),
        # whether a thing costs anything is answered by its price or its being free (a fresh24 tuning question)
        ("do the lockers cost anything", "quantity", "money"),
        ("does it cost extra to print in colour", "quantity", "money"),
        ("does the cage have a speed limit", "quantity", "speed"),
        # how cold or hot a thing goes is its temperature (fresh8-tune's climate chamber question was refused)
        ("how cold can the climate chamber go", "quantity", "temperature"),
        ("how hot does the nozzle get", "quantity", "temperature"),
        ("whats the hottest the bed can be", "quantity", "temperature"),
        # how much of a liquid is its volume (a fresh24 tuning question); how much a thing with a liquid's name costs
        # is no volume
        ("whats the least amount of water that has to be in the kettle", "quantity", "volume"),
        ("how much resin do i pour into the tank", "quantity", "volume"),
        ("how much is the water bottle", "quantity", ""),
    ],
)
def test_the_question_phrase_names_the_dimension_asked_for(question, kind, dimension):
    wanted = expected(question)
    assert (wanted.kind, wanted.dimension) == (kind, dimension)


def test_a_question_after_how_far_a_thing_can_go_is_answered_by_a_range_or_a_bound():
    """fresh8-tune's "how cold can the climate chamber go" quoted a rule's threshold ("below 0 °C, do not keep the
    door open") above the chamber's range: both state a temperature, only the range says how far it goes."""
    cold = expected("how cold can the climate chamber go")
    assert cold.states_limit("Temperature range: \u221240 °C to +150 °C.")
    assert cold.states_limit("Heating: up to 4 K/min.") and cold.states_limit("It runs from 5 to 40 °C.")
    assert not cold.states_limit("Caution: below 0 °C, do not keep the door open for longer than thirty seconds.")
    assert not cold.states_limit("Let the chamber return to 23 °C before you open the door.")
    assert expected("what is the max speed of the conveyor").limit
    assert expected("how much can i get for a conference in the us").limit
    assert expected("what is the biggest part the printer can print").limit
    assert not expected("how fast does the conveyor run").limit
    assert not expected("who runs the lab").states_limit("The lab is open from 9 to 17.")


def test_how_fast_a_loop_runs_is_stated_in_hertz():
    assert expected("How fast does a small mobile robot run its main loop?").fits("It runs its main loop at 50 Hz.")


def test_a_value_is_precise_when_its_kind_shows_what_it_is_of():
    assert expected("How heavy is the base?").precise and expected("Who runs the lab?").precise
    assert expected("How many pins does it have?").precise  # a count of pins
    assert not expected("What's the maximum incline of the treadmill?").precise  # any number would do
    assert not expected("How does a lidar work?").precise


def test_degrees_of_freedom_are_no_angle():
    assert expected("What are degrees of freedom?").kind == ""


def test_a_question_explaining_a_dimension_asks_for_no_value():
    assert expected("Why must the air pressure stay below 7 bar?").kind == ""
    assert expected("What does it mean when the pressure drops?").kind == ""
    # a word count's "for" asks for no share of a grade
    assert expected("max word count for the internship report").dimension != "share"
    assert expected("how much does the demo count for").dimension == "share"
    # a why-question naming an amount asks for the reason, not the amount
    assert expected("why is there a limit on how much participants get paid").kind == ""
    assert expected("Why do late reports lose 10 % per day?").kind == ""
    # naming a deadline, a how-question asks for a way, not a date (a fresh10 tuning question)
    assert expected("the portal crashed right before the deadline, how do i submit").kind == ""
    assert expected("whats the deadline for the report").kind == "date"
    # is it ok to ... asks whether, not for a value it names (a fresh11 tuning question)
    assert expected("is it ok to change teams in week 6").kind == ""
    # a temporary folder holds no temperature
    assert expected("how long are files kept in the temp folder").dimension != "temperature"
    # an oscilloscope's time/div is a setting, no time of day (a fresh3 tuning question)
    assert expected("what time/div for a 20 khz pwm signal").dimension != "hour"


@pytest.mark.parametrize(
    ("question", "asking"),
    [
        ("How much does the Zorblax-7 weigh?", {"how", "much", "weigh"}),
        ("What is the maximum load on the chamber shelf?", {"maximum", "load"}),
        ("When is the final report due?", {"due"}),
        # a number to call says what "phone extension" asked (any code would not: a room, a part, a course)
        ("What is the phone extension of the technician?", {"phone", "extension"}),
        ("Which brand of soldering station is used?", set()),
        ("What is the minimum range of the lidar?", {"minimum", "range"}),
        # how far a thing sees is its range, whatever the sentence calls it (a fresh15 tuning question)
        ("how far can the rover's laser see?", {"how", "far", "see"}),
        ("how far is the lab from the station", {"how", "far"}),
        # what time one may come to do a thing is the hours of the place (a fresh15 tuning question)
        ("what time can I pick our stuff up from the store?", {"time", "pick"}),
        ("How does a lidar measure distance?", set()),
        ("what time does the nightly backup run", {"time"}),
        # what is counted, not what it is counted in
        ("how many people per team in rbt372", {"how", "many", "people"}),
    ],
)
def test_the_words_asking_for_the_kind_are_told_from_the_subject(question, asking):
    """A sentence stating a mass says what "weigh" asked; "report" and "shelf" it must still name."""
    assert expected(question).asking == asking


def test_a_text_without_units_keeps_its_numbers_and_its_codes():
    """The verifier reads a sentence's words without its units, which it checks with their numbers: "42 newtons"
    says what "42 N" does. A code's letters are no unit: "0x2A" is not 2 amperes."""
    assert without_units("It holds 42 newtons at 24V, 0.6 to 1.5 metres away.") == "It holds 42 at 24, 0.6 to 1.5 away."
    assert without_units("Its CAN ID is 0x2A.") == "Its CAN ID is 0x2A."


def test_a_thing_counted_may_be_counted_by_one_of_its_kin():
    """ "how many bikes" is answered by "64 bicycles" when the word table gives bicycles as kin of bikes; not by
    another thing counted, nor by a kin word of fewer letters than a stem is kept."""
    kin = kin_of({"bik": ("bicycl", "cyc")})
    wanted = expected("how many bikes fit in the bike shelter", kin)
    assert wanted.fits("It holds 64 bicycles in two-level racks.")
    assert wanted.fits("Room for 12 bikes.")
    assert not wanted.fits("It holds 64 scooters.")
    assert not wanted.fits("It runs 500 cycles a day.")
    assert not expected("how many bikes fit in the bike shelter").fits("It holds 64 bicycles in two-level racks.")


def test_a_duty_asked_about_is_done_in_the_words_of_its_kin():
    """ "who teaches the control lectures" is answered by a role they are "taught" by, an irregular form the verb's
    letters do not start, as "who marks the lab books" is by the role they are "graded" by; not by a role doing
    another thing, nor without the word table."""
    kin = kin_of({"teach": ("taught", "instruct"), "mark": ("grad", "scor")})
    assert expected("who teaches the control lectures", kin).fits("The control lectures are taught by the lecturer.")
    assert expected("who marks the lab books", kin).fits("The lab books are graded by the demonstrators.")
    assert not expected("who marks the lab books", kin).fits("The lab books are collected by the demonstrators.")
    assert not expected("who teaches the control lectures").fits("The control lectures are taught by the lecturer.")


def test_an_abbreviation_written_in_brackets_beside_its_words_is_spelled_out_in_any_case():
    """ "original gravity (OG)" defines OG though its words are not capitalised, as "OG (original gravity)" does;
    two lower-case words spelling it elsewhere, or other words before its brackets, do not."""
    wanted = expected("what does OG mean")
    assert wanted.fits("The original gravity (OG) is the specific gravity of the wort.")
    assert wanted.fits("Write down the OG (original gravity) in the log.")
    assert not wanted.fits("The gravity of the wort (OG) is measured.")
    assert not wanted.fits("Open the gauge: original readings go in the log.")


def test_what_is_counted_follows_the_code_it_is_of():
    """fresh12-tune: "how many rbt284 labs" counted "rbt", so "You may miss at most two labs" stated no count; the
    code names what is asked about, no word asking for the count that any sentence stating one says."""
    labs = expected("i wanted to ask how many rbt284 labs i'm allowed to miss")
    assert labs.fits("You may miss at most two labs.") and not labs.fits("RBT284 has 5 ECTS.")
    assert labs.asking == {"how", "many", "labs"}


def test_what_is_counted_ends_at_its_plural():
    """fresh19-tune: "How many teams take part in the trial?" counted "take" and "part" too, and "5 points are
    taken off" stated a count of teams; "LiPo packs" is still counted by either word."""
    teams = expected("How many teams take part in the trial?")
    assert not teams.fits("Each time a team member touches the drone, 5 points are taken off.")
    assert teams.fits("Six teams take part in the trial.")
    assert expected("how many LiPo packs can be charged at once").fits("Up to 4 packs can be charged at once.")


def test_a_bound_before_a_plural_counts_it():
    """fresh11-tune: "max kids per group" asked for a number of no kind, never precise enough to answer by "A group
    has at most 12 pupils"; a bound before a plural counts it as "how many" does, and one before a measure's plural
    ("max volts") still asks for the measure."""
    kids = expected("max kids per group", lambda word: ("pupil",) if word == "kids" else ())
    assert kids.dimension == "count" and kids.fits("A group has at most 12 pupils and always one teacher.")
    assert not kids.fits("Each tour visits four labs for twenty minutes each.")
    assert expected("maximum students per team").fits("Teams have at most four students.")
    assert expected("max volts for the board").dimension == "voltage"
    assert expected("max speed of the rover").dimension == "speed"


def test_a_slides_abbreviations_state_what_their_words_do():
    """A slide's "Sampling: every 10 min (default)" answers "how often does the buoy sample", "Min. 2 ppl on the
    pier" "how many people on the pier", and a student's "ppl" asks for people (a class walkthrough)."""
    assert expected("how often does the buoy sample").fits("Sampling: every 10 min (default)")
    assert expected("how often is it logged").fits("Logged every 2 hrs")
    assert expected("how many people on the pier").fits("Min. 2 ppl on the pier")
    assert expected("how many ppl on the pier").fits("At least 2 people on the pier")


def test_a_question_word_run_together_with_its_is_asks_as_both():
    """ "whens the field day" asked for a quantity of days and was refused beside "Field day -> Sat 25 Oct"; "when is
    the field day" was answered (a class walkthrough)."""
    for typed, meant in (
        ("whens the field day", "when is the field day"),
        ("wheres the blue binder", "where is the blue binder"),
        ("whos the safety officer", "who is the safety officer"),
        ("hows the grade made up", "how is the grade made up"),
    ):
        assert expected(typed).kind == expected(meant).kind, typed
    assert expected("whens the field day").kind != "quantity"


def test_a_short_plural_counted_is_counted_in_the_singular_too():
    """ "how many first aid kits" was refused beside a Word handout's table row "First-aid kit | 2 | Team C": the
    stem of a short plural was the whole word, "kits" (a class walkthrough)."""
    wanted = expected("how many first aid kits")
    assert wanted.fits("First-aid kit: 2")
    assert wanted.fits("Bring 2 kits.")
    assert not expected("how many buses").fits("Bu: 2")
    # a label's detail in brackets between it and its count (a Word handout's kit list)
    assert expected("how many mooring chains").fits("Mooring chain (15 m) | 2 | Team B")


@pytest.mark.parametrize(
    "sentence",
    [
        "The Orrin valve opens at 111 kilopascals.",
        "The tank is tested to 1.2 megapascals.",
        "The cabin is kept at 1013 hectopascals.",
        "The lines run at 6 bar.",
        "The gauge reads 950 millibars at sea level.",
    ],
)
def test_a_pressure_spelt_out_in_words_is_a_pressure(sentence):
    """ "At what pressure does the Orrin valve open?" was refused beside "opens at 111 kilopascals": only kPa,
    "bar" and "pascals" were read as a pressure."""
    wanted = expected("At what pressure does the Orrin valve open?")
    assert wanted.dimension == "pressure"
    assert wanted.fits(sentence)
    assert without_units(sentence) != sentence  # read as a number in a unit, as every other dimension's


@pytest.mark.parametrize(
    ("question", "sentence"),
    [
        ("What voltage does the sensor need?", "It runs on 3300 millivolts."),
        ("What voltage does the line carry?", "The line carries 11 kilovolts."),
        ("How much current does the motor draw?", "It draws 450 milliamperes."),
        ("How heavy is the capsule?", "It weighs 40 milligrams."),
        ("How heavy is the arm?", "It weighs 900 grammes."),
        ("What frequency does the radio use?", "It uses 433 megahertz."),
        ("What frequency does the radio use?", "It uses 2.4 gigahertz."),
        ("What frequency does the crystal run at?", "It runs at 32 kilohertz."),
    ],
)
def test_a_unit_spelt_out_with_its_prefix_is_of_its_dimension(question, sentence):
    """The scales read "3300 millivolts" as 3.3 V, but the question's dimension did not: "What voltage does the
    sensor need?" was refused beside it (so were milliamperes, milligrams, grammes and kilo-, mega- and gigahertz)."""
    assert expected(question).fits(sentence)
    assert without_units(sentence) != sentence


def test_a_joints_range_of_motion_is_an_angle_and_an_emergency_number_one_to_call():
    """fresh13-tune: "J3 elbow: ±135°" states the elbow's range of motion (a lidar's range is still a length), and
    "Campus emergency | – | 4444 | –" the emergency number, where "call the campus emergency number" gives none."""
    motion = expected("what's the range of motion of the elbow joint")
    assert (motion.kind, motion.dimension) == ("quantity", "angle") and motion.fits("J3 elbow: ±135°")
    assert expected("how far can the base rotate").dimension == "angle"
    assert expected("what is the range of the lidar").dimension == "length"
    emergency = expected("what's the emergency number on campus")
    assert emergency.kind == "phone" and emergency.fits("Campus emergency | – | 4444 | –")
    assert not emergency.fits("Call the campus emergency number from the lab phone first.")
    assert expected("what number do i ring for first aid").kind == "phone"


def test_what_an_abbreviation_stands_for_is_a_sentence_spelling_it_out():
    """fresh13-tune's "what does ToF stand for" was answered "The TF-9 is an indirect ToF sensor ...": what it
    stands for is the words its letters begin ("Time-of-Flight Ranging"), small words between them skipped."""
    tof = expected("what does ToF stand for")
    assert (tof.kind, tof.abbreviation) == ("expansion", "ToF") and tof.precise
    assert tof.fits("Lecture 4 – Time-of-Flight Ranging: the Vantrel TF-9")
    assert not tof.fits("The TF-9 is an indirect ToF sensor: it measures the phase shift of infrared light.")
    assert expected("what does aed stand for?").fits("The nearest automated external defibrillator is in the foyer.")
    assert expected("what is SAE short for").fits("the Society of Automotive Engineers")
    assert expected("what does AED mean").kind == "expansion"
    assert expected("what does calibration mean").kind != "expansion"  # a term's meaning, not an abbreviation
    assert not expected("what does ROS stand for").fits("ROS is the robot's middleware.")


def test_a_lecture_asked_for_is_named_by_its_number_in_a_title_and_a_slides_week_is_a_week():
    """fresh13-tune: "Lecture 4 – Time-of-Flight Ranging: the Vantrel TF-9" answers "which lecture was the one about
    the time of flight sensor?" though written as a title, and "Lab 4 (wk 9, Thu & Fri)" says which week."""
    lecture = expected("which lecture was the one about the time of flight sensor?")
    assert lecture.fits("Lecture 4 – Time-of-Flight Ranging: the Vantrel TF-9")
    assert not lecture.fits("Feedback Control Basics")
    week = expected("which week is the lab where we do forward kinematics on the real arm?")
    assert week.kind == "date" and week.fits("Lab 4 (wk 9, Thu & Fri): forward kinematics on the real arm")


def test_a_day_counted_in_its_month_is_a_date():
    """ "by the third working day of the following month" says when a timesheet is due (fresh7-tune's lost quote
    once "when" questions ranked sentences giving a date first); "the first of the quizzes" names no day."""
    due = expected("what date is the timesheet due")
    assert due.fits("The approved timesheet must reach the HR office by the third working day of the following month.")
    assert due.fits("The club meets on the last Thursday of each month.")
    assert not due.fits("The first of the quizzes covers lectures 1 to 4.")


def test_a_weekly_day_is_a_day():
    """fresh16-tune: "Labs: Thursdays 14:00 to 17:00" says what day the labs are, as "Thursday" would; the timetable's
    "Week 1: legged locomotion, no lab" was quoted for "what day and time are the labs" while it was no date."""
    asked = expected("what day and time are the legged robotics labs")
    assert asked.fits("Labs: Thursdays 14:00 to 17:00, room AD-2.14")
    assert values(asked, "Lectures: Mondays 10:00 to 11:00, room AD-1.05") == {"mondays"}
    assert not asked.fits("Students' days are long: bring water.")


def test_how_far_ahead_is_answered_by_a_time_before_something():
    """fresh7-tune: "how far ahead do i have to book the wind tunnel" was answered by "Run at setting 1 for two
    minutes", a time but none ahead of the booking; "how long before a bike gets cut loose" asks how long until."""
    ahead = expected("how far ahead do i have to book the wind tunnel")
    assert ahead.fits("Book in FluxBook at least three working days before the day you need.")
    assert ahead.fits("Book the van 2 weeks in advance.") and ahead.fits("Give 48 hours' notice.")
    assert not ahead.fits("Run at setting 1 for two minutes and watch the model before you go faster.")
    assert expected("how early do i have to apply for a travel grant").fits("Apply at least six weeks before the trip.")
    assert expected("how long before an abandoned bike gets cut loose").fits("Bikes left for 4 weeks are cut loose.")


def test_how_close_asks_for_a_distance():
    """fresh14-tune: "how close can i get my hands to the propeller" asked for nothing in particular, and was refused
    beside "Keep your hands at least 30 cm from the propeller guard"; when the lab closes is no distance."""
    close = expected("how close can i get my hands to the propeller when its powered")
    assert close.dimension == "length" and close.fits("Keep your hands at least 30 cm from the propeller guard.")
    assert not close.fits("Keep your hands away from the propeller guard.")
    assert expected("when does the lab close").kind == ""


def test_a_question_after_a_statement_asks_what_its_last_sentence_asks():
    """fresh12-tune: "we broke a propeller yesterday during the test. who do we tell?" asked for no person, its "who"
    not first; a decimal point or an abbreviation ends no sentence."""
    tell = expected("we broke a propeller yesterday during the test. who do we tell?")
    assert tell.kind == "person" and tell.whom
    assert expected("i lost my card. how much is a new one?").dimension == "money"
    assert expected("what is 2.5 m in feet?").kind == ""


def test_a_choice_offered_is_answered_in_any_words_not_by_a_new_name():
    """fresh13-tune: "Always do the offset calibration first, then the crosstalk calibration." answers which comes
    first, and "The arm on bench 6 has the newer firmware" which of the two arms: neither names a new name."""
    for question, answer in (
        ("which calibration comes first, offset or crosstalk?", "Always do the offset calibration first."),
        ("which of the two arms has the newer firmware?", "The arm on bench 6 has the newer firmware, version 3.2."),
    ):
        wanted = expected(question)
        assert wanted.kind == "" and wanted.fits(answer), question
    assert expected("which room is the lab in?").kind == "name"


def test_a_budget_is_a_sum_and_into_a_bin_is_a_place():
    """fresh13-tune's "how big is the budget for extra parts" was read as a size ("Budget: 60 EUR" no answer), and
    fresh12-tune's gloves "go into the yellow bin" placed nothing; how long a grant is paid still asks a time."""
    budget = expected("how big is the budget for extra parts")
    assert budget.dimension == "money" and budget.fits("Budget: 60 EUR extra parts per team")
    assert expected("how long is the travel grant paid").dimension != "money"
    assert expected("where do the used gloves go").fits('Used gloves go into the yellow "resin waste" bin.')


def test_what_a_student_is_charged_is_a_sum_and_a_word_limit_a_number_of_words():
    """fresh16-tune's "how much is charged for a lost battery charger?" took a charging time for its sum, and
    fresh15-tune's word limit a worksheet's share of the grade; a battery charged still asks no sum."""
    lost = expected("how much is charged for a lost battery charger?")
    assert lost.dimension == "money" and not lost.fits("Charge time | 90 minutes on the CH-031 charger")
    assert lost.fits("Lost battery charger | 25 pounds")
    assert expected("what's the charge for losing a robot?").fits("Lost robot: 640 pounds")
    assert expected("how long does the battery take to charge?").dimension == "duration"
    assert expected("how many packs can be charged at once?").dimension == "count"
    words = expected("What's the word limit for the kinematics worksheet?")
    assert words.dimension == "document" and not words.fits("Kinematics worksheet | 15% | 5 February 2027")
    assert words.fits("The kinematics worksheet is at most 1,500 words long.")
    assert expected("what is the page limit for the report").fits("The report has a limit of 12 pages.")


def test_a_mobile_number_is_no_extension_and_an_extension_no_mobile():
    """fresh16-tune: "First aider: Lorcan Vettridge, extension 4471." was quoted for his mobile number."""
    extension, mobile = "First aider: Lorcan Vettridge, extension 4471.", "Lorcan Vettridge, mobile 07700 900123."
    assert not expected("what's the first aider Lorcan Vettridge's mobile number?").fits(extension)
    assert expected("what's Lorcan Vettridge's mobile number?").fits(mobile)
    assert not expected("what's Lorcan Vettridge's extension?").fits(mobile)
    assert expected("what's Lorcan Vettridge's phone number?").fits(extension)
    assert expected("what's his cell number?").fits("Lorcan Vettridge (mobile 07700 900123, extension 4471)")


def test_a_number_or_address_after_another_persons_name_is_not_the_persons_asked_about():
    """fresh15-tune: Bartholomew Quarrendon's extension was quoted for Tamsin Holloway's, named after him."""
    duty = (
        "First aiders on duty: Bartholomew Quarrendon (technician, phone extension 4438) and Tamsin Holloway "
        "(teaching assistant)."
    )
    assert not expected("What's Tamsin Holloway's phone extension?").fits(duty)
    assert expected("What's Bartholomew Quarrendon's phone extension?").fits(duty)
    both = "Contact Fenna Tolvane (f.tolvane@uni.example) or Bram Okafor (b.okafor@uni.example)."
    assert expected("what is Bram Okafor's email").fits(both)
    assert not expected("what is Bram Okafor's email").fits(
        "Write to Fenna Tolvane at f.t@uni.example; Bram Okafor is away."
    )
    assert expected("what is Bram Okafor's email").fits(
        "b.okafor@uni.example is Bram Okafor's address; Fenna Tolvane's is not."
    )


def test_a_short_abbreviation_is_spelled_out_only_by_capitalised_words():
    """Two lower-case words spell two letters by chance ("do hold" for DH); a name's capitals spell it."""
    dh = expected("what does DH stand for")
    assert dh.fits("DH stands for Denavit–Hartenberg.")
    assert not dh.fits("Do hold the arm while you switch it off.")
    assert spells("AED", "an automated external defibrillator") and not spells("AED", "an automated external one")
    assert not spells("AED", "an automated external defibrillator", capitalised=True)


def test_an_extension_of_time_is_no_number_to_call():
    """fresh17-tune: "How do I ask for an extension on HX429 work?" was read as asking a phone extension and refused
    beside "To ask for an extension, fill in form EC-12 ..."; "what's his extension?" still asks one."""
    for question in ("How do I ask for an extension on HX429 work?", "can i get an extension because i am ill"):
        assert expected(question).kind != "phone", question
    assert expected("extension").kind != "phone"  # a follow-up's word, on its own, is the extension asked for
    for question in ("what's his extension?", "what's the extension of the lab technician", "ext for the store"):
        assert expected(question).kind == "phone", question
    assert expected("the store's extension number").kind == "phone" == expected("what's Ilse's extension").kind


def test_a_machines_ip_address_is_a_code_its_sentence_states():
    """fresh17-tune: "what's its IP address?" asked a name, so "the arms are at 10.42.7.10 plus the bench number
    (bench 3's is 10.42.7.13)" stated none and was refused; the address is a code, read whole."""
    sentence = "The arms are at 10.42.7.10 plus the bench number (bench 3's is 10.42.7.13)."
    for question in ("what's its IP address? connect laptop arm bench 3", "what is the ip of the robot"):
        wanted = expected(question)
        assert wanted.kind == "code" and wanted.fits(sentence), question
        assert values(wanted, sentence) == {"10.42.7.10", "10.42.7.13"}
    assert not expected("what is the IP address of the arm").fits("Each arm has its own wired network on its bench.")


def test_a_question_asking_whether_of_a_named_week_asks_for_no_time():
    """fresh17-tune: "is the store open in reading week?" asked for a number of weeks, so "The store is closed in
    reading week (week 5) ..." stated none and was refused; "is the gripper counted in the payload?" asked a mass."""
    for question in (
        "is the store open in reading week?",
        "Is there a lab session in reading week?",
        "is the gripper counted in the payload?",
        "were any changes made to the minutes of the january meeting?",
    ):
        assert expected(question).kind == "", question
    assert expected("is there a fee for booking the cage").dimension == "money"
    assert expected("what is the loan period in weeks").dimension == "duration"
    assert expected("is the deadline in week 12?").kind == "date"


def test_a_follow_up_going_on_from_the_last_asks_as_its_question_word_does():
    """fresh17-tune: "and where can I see which arm my team has?" asked for no place, so "A team keeps its arm for
    the whole term." was quoted before "... the course page also lists the teams and which arm each team has"."""
    assert expected("and where can I see which arm my team has?").kind == "place"
    assert expected("so when is it due?").kind == "date"
    assert expected("also, how heavy is it?").dimension == "mass"
    assert expected("and the V5?").kind == ""


def test_a_question_asking_whether_after_a_condition_asks_for_no_value():
    """ "if im off sick for a week do i need a sick note to get an extension?" asks whether (a fresh15 question
    once read as asking a phone extension); a condition before "how much" still asks a sum."""
    assert expected("if im off sick for a week do i need a sick note to get an extension?").kind == ""
    assert expected("if i am late how much do i pay").dimension == "money"


def test_a_collection_of_things_counts_them():
    """fresh20-tune: "How many replacement rovers are there to borrow?" took "the pool of four AR-5 rovers" for a
    pool's property, as "a repeatability of 0.05 mm" is; a pool, a fleet, a box of things counts them."""
    wanted = expected("How many replacement rovers are there to borrow?")
    assert wanted.fits("You can borrow a replacement from the pool of four AR-5 rovers kept in the stores.")
    assert expected("How many resistors are in a kit?").fits("Each kit holds a bag of 50 resistors.")
    # A property before "of" is still another's: no count of rovers in "a top speed of 2 rovers"-like phrasing.
    assert not expected("How heavy is the rover?").fits("The rover has a repeatability of 0.05 mm.")


def test_how_fast_people_act_is_answered_by_how_soon():
    """fresh20-tune: "How fast do the tutors reply on the forum?" asked for a speed, which "within two working days"
    is not in a speed's units; how fast someone acts is how soon, "within" a time."""
    wanted = expected("How fast do the tutors reply on the forum?")
    assert wanted.fits("The tutors answer questions on the forum within two working days.")
    assert wanted.fits("Top speed | 1.2 m/s")
    assert not wanted.fits("The tutors answer questions on the forum.")
    assert not wanted.fits("The forum opened two weeks ago.")


def test_a_codes_number_counts_nothing():
    """fresh20-tune: "How many Pennant docks are there in the charging room?" was answered by "The Pennant PD-1 dock
    charges the AR-7 only.", its "1 dock" taken for a count; a number in a code names a thing, it counts none."""
    wanted = expected("How many Pennant docks are there in the charging room?")
    assert not wanted.fits("The Pennant PD-1 dock charges the AR-7 only.")
    assert wanted.fits("There are 3 Pennant docks.") and wanted.fits("Docks: 4")
    assert not expected("How many rovers are there?").fits("Book an AR5 rovers slot.")


def test_an_end_asked_for_is_not_answered_by_a_start_alone():
    """fresh15-tune: "Until which week will the arena stay open on Tuesdays?" was answered by "open on Tuesdays
    16:00–18:00 from week 6", a start; the minutes never said when the Tuesday opening ends."""
    until = expected("Until which week will the arena stay open on Tuesdays?")
    assert not until.fits("The arena will also open on Tuesdays 16:00–18:00 from week 6.")
    assert until.fits("The arena opens on Tuesdays until week 11.")
    assert until.fits("The arena opens on Tuesdays from week 6 to week 11.")
    assert until.fits("The arena opens on Tuesdays in weeks 6–11.")
    since = expected("From which week is the arena open on Tuesdays?")
    assert since.fits("The arena will also open on Tuesdays 16:00–18:00 from week 6.")
    assert not since.fits("The arena opens on Tuesdays until week 11.")


def test_an_end_hour_asked_for_is_not_answered_by_a_start_alone():
    """fresh23-tune: "until what time can we stay in the building with evening access" was answered by "Your student
    card opens the side door ... after 18:00", the hour evening access starts; nothing says until when it lasts."""
    until = expected("until what time can we stay in the building with evening access")
    assert not until.fits("Your student card opens the side door of the building after 18:00.")
    assert until.fits("The building stays open until 22:00 for students with evening access.")
    assert until.fits("Evening access runs from 18:00 to 22:00.")
    assert expected("what time does the coach leave").fits("The coach leaves after the talk, at 19:15.")


def test_what_a_length_asked_for_is_of_is_no_word_asking_for_it():
    """fresh16-tune: "how long should the lab 3 report be" was answered by a textbook lab's "Expected Time: 4
    hours": "lab", "3" and "report" were read as words asking for a length, which any length says."""
    assert expected("how long should the lab 3 report be").asking == {"how", "long", "should"}
    assert expected("how long should the lab 3 report be").dimension == "extent"
    assert expected("how long is the loan").asking == {"how", "long", "is"}


def test_a_field_labelled_in_lower_case_gives_the_name_after_its_colon():
    """fresh16-tune's loan form: "Name: Maelis Tronbury" gave no name for "what is the name of the borrower": the
    check of a labelled field read a name only where a space stood before it, never at the field's start. A
    title's colon is still no field ("Ashdrellow Robotics Store: Equipment Loan Form")."""
    asked = expected("what is the name of the borrower on the loan form?")
    assert asked.fits("Name: Maelis Tronbury")
    assert expected("which project team is the borrower in").fits("Project team: Team Heron")
    assert not asked.fits("Ashdrellow Robotics Store: Equipment Loan Form")
    assert not asked.fits("Lab 3: Joint Calibration of the Skerrit Arm")


def test_a_span_said_with_its_article_is_a_duration():
    """fresh21-tune: "how long can an extension be?" was refused beside "An extension is for a week at most": "a
    week" is one week. A rate's "a day" is how often, not how long, and "a week before" no span of the thing."""
    wanted = expected("how long can an extension be?")
    assert wanted.fits("An extension is for a week at most: a longer delay goes to the exam board.")
    assert expected("how long can i book the tank for").fits("Each booking is for an hour.")
    assert not wanted.fits("The tank is cleaned a few times a week.")
    assert not wanted.fits("The lab opens a week before the exam.")


def test_a_length_is_no_thickness():
    """fresh21-tune: "how thick is the mv-4 tether cable?" was answered by "Tether length | 100 m | 50 m": a length
    names another measure than the one asked; a bare value or a thickness still fits, and "how long" takes any."""
    wanted = expected("how thick is the mv-4 tether cable?")
    assert not wanted.fits("Tether length | 100 m | 50 m")
    assert not wanted.fits("The tether is 100 m long.")
    assert wanted.fits("Tether | 12 mm thick")
    assert expected("how long is the tether").fits("Tether length | 100 m | 50 m")


def test_a_value_in_the_opposite_case_does_not_fit():
    """fresh21-tune: "how fast can the MV-9 go in reverse?" was answered by "Maximum forward speed | 1.8 m/s": a
    value going forward is none in reverse. A value naming no case, or both, still fits."""
    wanted = expected("how fast can the MV-9 go in reverse?")
    assert not wanted.fits("Maximum forward speed | 1.8 m/s | –")
    assert wanted.fits("Speed, forward and reverse | 1.8 m/s")
    assert wanted.fits("Reverse speed: 0.5 m/s")
    assert expected("how fast can the MV-9 go?").fits("Maximum forward speed | 1.8 m/s | –")
    assert not expected("how cold does it get outdoors").fits("Indoors the hall is kept at 18 °C.")


def test_a_codes_number_is_no_quantity_with_a_unit():
    """fresh21-tune: "how long can we borrow a spare rov for" took the "4s" of "four spare MV-4s" for four seconds;
    a value with its unit still fits."""
    wanted = expected("how long can we borrow a spare rov for")
    assert not wanted.fits("There are four spare MV-4s in the wet store.")
    assert wanted.fits("A team can borrow one for three days at a time.")
    assert wanted.fits("Wait 10s, then lift it out.")
    assert expected("how heavy is it").fits("Mass 12kg")


def test_one_capitalised_word_a_sentence_ends_with_after_by_is_who_does_it():
    """fresh16-tune: "Week 8: guest lecture by HalvorBrennock" (a scan's name run together) gave no person for "who
    gives the guest lecture"; "by" a day, a month or a holiday says when."""
    who = expected("who gives the guest lecture")
    assert who.fits("Week 8: guest lecture by HalvorBrennock")
    assert who.fits("The induction is led by Marta.")
    for when in ("Hand the report in by Friday.", "Return it by March.", "Order it by Christmas.", "Done by now."):
        assert not who.fits(when), when
    assert not who.fits("The kits are made by Vexmoor boxes.")
    assert not who.fits("It was designed by Dr.")  # a title, its name after its full stop


def test_a_thing_named_for_its_power_asks_for_no_watts():
    """fresh15-judged: "How long do I hold the power button to switch the rover on?" asked for watts, so "hold the
    power button down for 2 seconds" stated no answer. A power button, cable or bank is a thing; power asked for
    is still watts."""
    wanted = expected("how long do i press the power button to reset the drone?")
    assert wanted.dimension == "duration"
    assert wanted.fits("Press and hold the power button for five seconds until the LED blinks.")
    assert expected("how long is the power cable of the hot glue gun").dimension == "extent"
    assert expected("how much power does the heater draw?").dimension == "power"
    assert expected("What is the power of the laser?").fits("The laser diode emits 5 mW at 650 nm.")


def test_a_recurrence_may_name_what_it_counts_and_whom_before_its_period():
    """fresh13-judged: "how often can we book the practice arena?" was refused beside "at most two slots per team
    per week": three words stood between the number and its "per week", where two were allowed."""
    wanted = expected("how often can we use the wind tunnel?")
    assert wanted.fits("The wind tunnel may be used for one session per group per week.")
    assert not wanted.fits("The wind tunnel holds models up to 40 cm per side.")


def test_a_table_row_of_a_role_and_a_name_gives_the_person():
    """fresh13-judged: "who is the safety officer?" was refused beside "Safety officer | Freya Wickersley | ext.",
    read as a title for its capitals. A row of a role and a name is a field like "Head referee: ..."; a header row
    or a row of capitalised words naming no one is not."""
    wanted = expected("who is the first aider?")
    assert wanted.fits("First aider | Tomasz Ellingworth | ext. 3391")
    assert not wanted.fits("Role | Name | Extension")
    assert not wanted.fits("First Aid Training Day | Main Hall | 10:00")


def test_a_time_named_for_what_takes_it_asks_for_a_duration():
    """fresh6-judged: "max wall time long partition" asked for a length, for its partition's name ("long"), so the
    row "long | 72 | 4 | low" under "Max wall time (hours)" stated no answer. A wall, print or charging time is a
    duration; "what time" still asks for a time of day."""
    wanted = expected("max print time short queue")
    assert wanted.dimension == "duration"
    assert wanted.fits("short | 12 hours | 2 printers")
    assert expected("what is the charging time of the drone battery").dimension == "duration"
    assert expected("what time does the print room open").dimension == "hour"
