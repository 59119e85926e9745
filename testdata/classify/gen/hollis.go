package main

// Hollis Reyes Architects: two similar building projects that share a
// contractor (Brightline Construction) and a structural engineer (Kestrel
// Structures), plus a design competition entry.
func init() {
	maya := Person{Name: "Maya Hollis", Email: "maya@hollisreyes.com", Role: "Director", Org: "Hollis Reyes Architects", Phone: "07700 900412", Web: "www.hollisreyes.com"}
	tom := Person{Name: "Tom Becker", Email: "tom@hollisreyes.com", Role: "Project Architect", Org: "Hollis Reyes Architects", Web: "www.hollisreyes.com"}
	priya := Person{Name: "Priya Nair", Email: "priya@hollisreyes.com", Role: "Architectural Assistant", Org: "Hollis Reyes Architects"}
	luis := Person{Name: "Luis Ortega", Email: "luis@hollisreyes.com", Role: "Technical Lead", Org: "Hollis Reyes Architects"}

	gareth := Person{Name: "Gareth Price", Email: "gareth.price@brightline-build.com", Role: "Site Manager", Org: "Brightline Construction Ltd", Phone: "07700 900871", Web: "www.brightline-build.com", Disclaimer: true}
	dana := Person{Name: "Dana Whitfield", Email: "dana.whitfield@brightline-build.com", Role: "Commercial Manager", Org: "Brightline Construction Ltd", Web: "www.brightline-build.com", Disclaimer: true}
	ines := Person{Name: "Ines Calder", Email: "ines@kestrelstructures.co.uk", Role: "Associate Engineer", Org: "Kestrel Structures", Phone: "020 7946 0318"}

	claire := Person{Name: "Claire Donovan", Email: "claire.donovan@meridianhomes.com", Role: "Development Manager", Org: "Meridian Homes", Phone: "07700 900233", Disclaimer: true}
	felix := Person{Name: "Felix Amari", Email: "felix@amarifire.co.uk", Role: "Fire Engineer", Org: "Amari Fire Consultancy"}

	robert := Person{Name: "Robert Akande", Email: "robert.akande@eastfield.gov.uk", Role: "Capital Projects Officer", Org: "Eastfield Borough Council", Disclaimer: true}
	helen := Person{Name: "Helen Marsh", Email: "helen.marsh@eastfield.gov.uk", Role: "Library Services Manager", Org: "Eastfield Borough Council"}
	conservation := Person{Name: "Stuart Lyle", Email: "stuart.lyle@eastfield.gov.uk", Role: "Conservation Officer", Org: "Eastfield Borough Council"}

	joanna := Person{Name: "Joanna Pike", Email: "competitions@lowmoortrust.org", Role: "Competition Coordinator", Org: "Lowmoor Riverside Trust"}
	kai := Person{Name: "Kai Lindgren", Email: "kai@pixelhaus.studio", Role: "Visualiser", Org: "Pixelhaus", Web: "pixelhaus.studio"}

	o := &Owner{ID: "hollis", Me: maya, Team: []Person{tom, priya, luis}}
	o.Generic = []string{
		"Are you free on {DAY} to go through the latest drawings?",
		"I've uploaded the updated programme to the shared folder.",
		"Could you send me the current drawing issue sheet? I want to check we have the latest revisions.",
		"The minutes from last week's meeting are attached, please let me know of any corrections.",
		"We're still waiting for the revised cost report. Any news?",
		"Could we move our catch-up to {DAY} at {T}? Something has come up.",
		"Invoice attached for this month's work. Let me know if you need it split differently.",
		"I'll be on site on {DAY} morning if you want to walk round together.",
	}

	o.Chatter = []string{
		"Also, are you around for a quick call on {DAY} afternoon? Nothing urgent.",
		"By the way, I'm out of the office from {D} for a week, Tom is covering.",
		"Separately, the printer on the second floor is jammed again, I've logged it with IT.",
		"Can you send me the latest version when you get a moment? The link in the last email didn't work for me.",
		"I've put a placeholder in the diary for {DAY} at {T}.",
		"Sorry, I missed your call earlier, I was on site all morning.",
	}

	hvr := &Spec{
		ID: "hvr", Name: "Harbor View Residences", Code: "HVR-2291",
		Aliases:     []string{"Harbor View", "Harbor View Residences", "the Harbor View job"},
		Generic:     []string{"the scheme", "the Quay Road scheme", "the residential scheme", "the building"},
		Description: "42-unit residential building with ground floor commercial units on Quay Road, Portside, for Meridian Homes. Stage 5, on site with Brightline Construction.",
		Tags:        []string{"residential", "facade", "balconies", "fire_strategy", "cladding"},
		Categories:  []string{"Construction", "Residential"},
		RefKeywords: []string{"Quay Road", "Meridian Homes", "apartments", "show flat"},
		Notes:       "Client contact Claire Donovan. Weekly site meeting Tuesdays. Brightline is also the contractor on the library job, so check which project their mails are about.",
		Locations:   []string{"Quay Road", "Portside"},
		Domains:     []string{"meridianhomes.com"},
		People:      []Person{claire, gareth, felix},
		External:    []Person{claire, claire, gareth, gareth, dana, ines, felix},
		Internal:    []Person{tom, priya},
		N:           26,
	}
	hvr.Subjects = []string{
		"{C} RFI 0{N} - balcony drainage detail",
		"{NAME} - cladding sample panel",
		"Show flat fit-out programme",
		"Apartment layouts rev F",
		"Fire strategy - sprinkler coverage to the podium",
		"{C} valuation {N}",
		"Balcony soffits",
		"Brick slip sample approval",
		"Penthouse terrace balustrade",
		"Marketing suite opening",
		"Acoustic test results - party walls",
		"Quay Road hoarding licence",
		"Level 4 window setting out",
		"Meridian - change request {N}",
	}
	hvr.Bodies = []string{
		"Attached is the revised balcony drainage detail for {P}. The outlet now sits behind the soffit so we avoid the visible downpipe Claire objected to. Gareth, can Brightline confirm the build-up still works with the bracket you priced?",
		"The cladding sample panel is up on the north elevation. In daylight the brick slip reads a lot warmer than the sample board, which Meridian might actually prefer. Can we get Claire to site on {DAY} to sign it off?",
		"Felix has reviewed the sprinkler layout for the podium car park and is happy, subject to the smoke vent on level 0 being upgraded to the larger unit. This will need to go back to building control before the next inspection.",
		"We've had the acoustic results back for the party walls between apartments 3.04 and 3.05. Both pass, but the floor impact test on level 2 failed by 2dB. Brightline think a missing resilient strip at the threshold is the cause.",
		"Meridian want to move the show flat from apartment 1.02 to 2.01 so the marketing suite can have harbour views. This affects the fit-out sequence, so please treat it as a change request until costs are agreed.",
		"Please find attached valuation {N} for {P}. The main movements are the window package on levels 3 and 4 and the first fix M&E. Let me know if you want to walk the site before you certify.",
		"The penthouse terrace balustrade is now glass on the south side only. The north side stays as the metal railing we showed at planning, which keeps the planning condition discharge simple.",
		"Can you confirm the setting out of the level 4 windows? The installer is on site {D} and the dimensions on drawing A-214 differ from the structural openings by about 15mm.",
		"Just a heads up that the hoarding licence on Quay Road expires at the end of the month. We'll need the council to extend it until the ground floor commercial units are glazed.",
		"Claire asked whether the 42 apartments can still hand over in two phases. I think phase 1 (levels 0 to 3) is realistic for the date in the contract, phase 2 will slip by at least three weeks because of the cladding delay.",
		"Ines has checked the balcony brackets against the revised loads and is fine with the 200mm thermal break. Her calc package is in the shared folder under structures/balconies.",
		"Apartment layouts are now at rev F. The only change since rev E is the kitchen in the two-bed type B units, which flips to give a longer run of worktop. Meridian's sales team asked for it.",
		"The flood risk condition for {P} is finally discharged. The council accepted the raised threshold levels on Quay Road so no further action from us.",
		"Snagging in the show flat: the skirting is the wrong profile, two doors are binding and the extractor is louder than the spec. I've put it all in the snag list with photos.",
		"Brightline's programme shows the roof membrane on the residential block finishing week {N}. If it slips we lose the weather window for the penthouse fit-out.",
		"Meridian are happy with the brick slip on the sample panel, but want the mortar one shade darker. Tom, can you issue the instruction to Brightline so it doesn't hold up the cladding subcontractor?",
		"The {C} fire strategy report rev 3 is attached. Key change is the second stair now serving the podium level and the dry riser inlet moved to the Quay Road frontage.",
		"Could we get the balcony soffit finish samples to Claire before the board meeting? She wants to show the options to the Meridian directors.",
	}
	hvr.NoteItems = []string{
		"Cladding: sample panel approved subject to darker mortar",
		"Balconies: drainage detail rev C issued, Brightline to confirm bracket",
		"Show flat moved to apartment 2.01, change request to follow",
		"Fire strategy rev 3 issued, building control to review smoke vent",
		"Acoustic: floor impact test failed on level 2, retest after remedial work",
		"Programme: roof membrane week {N}, phase 2 handover at risk",
		"Windows level 4: setting out query with installer, A-214 to be checked",
		"Marketing suite: Meridian want it ready for the spring sales launch",
		"Valuation {N} agreed at {M} pounds",
		"Quay Road hoarding licence extension requested",
		"Penthouse terraces: glass balustrade south side only",
	}
	hvr.Talk = []string{
		"So the balcony drainage is sorted, the outlet is behind the soffit now.",
		"Claire's main worry is the handover dates for the apartments.",
		"The brick slip looks much warmer on the panel than on the board.",
		"Felix wants the bigger smoke vent in the car park, that's the only comment.",
		"If the roof membrane slips we lose the penthouse fit-out window.",
		"Meridian's sales people really want the show flat with the harbour view.",
		"The level 2 floor failed the impact test by a couple of dB.",
		"We need the hoarding licence on Quay Road extended.",
	}
	hvr.DocTitles = []string{"{NAME} - Design Risk Register", "{C} Stage 5 Report", "Balcony Details - Notes", "Show flat specification", "{NAME} - Fire Strategy Summary", "Snag list - show flat"}
	hvr.Sheet = &Sheet{Title: "Change register", Header: "Ref,Description,Raised by,Status,Cost",
		Rows: []string{"CR-{NN},Show flat relocated to apt 2.01,Meridian,Pending,{MR}", "CR-{NN},Darker mortar to brick slip,Meridian,Agreed,0", "CR-{NN},Larger smoke vent car park,Fire engineer,Agreed,{MR}", "CR-{NN},Type B kitchen flipped,Meridian sales,Agreed,{MR}", "CR-{NN},Glass balustrade penthouse south,Client,Agreed,{MR}", "CR-{NN},Resilient strip remedial level 2,Brightline,Disputed,{MR}", "CR-{NN},Hoarding licence extension,Brightline,Open,{MR}"}}
	hvr.Attach = []string{"{C}_RFI-0{N}_balcony_drainage.pdf", "A-214_level4_windows_revD.pdf", "Valuation_{N}.xlsx", "fire_strategy_rev3.pdf", "sample_panel_photos.zip"}

	msl := &Spec{
		ID: "msl", Name: "Maple Street Library", Code: "MSL-2307",
		Aliases:     []string{"Maple Street", "the Maple Street library", "Maple Street Library"},
		Generic:     []string{"the library", "the library job", "the extension", "the refurb"},
		Description: "Refurbishment and extension of the Grade II listed Maple Street Library for Eastfield Borough Council: new children's library, community room, CLT extension. On site with Brightline Construction.",
		Tags:        []string{"library", "heritage", "refurbishment", "public_sector", "accessibility"},
		Categories:  []string{"Construction", "Public buildings"},
		RefKeywords: []string{"Eastfield Borough Council", "listed building", "children's library", "reading room"},
		Notes:       "Council PM Robert Akande. Conservation officer must approve anything touching the original reading room.",
		Locations:   []string{"Maple Street", "Eastfield"},
		Domains:     []string{"eastfield.gov.uk"},
		People:      []Person{robert, helen, gareth},
		External:    []Person{robert, robert, helen, conservation, gareth, dana, ines},
		Internal:    []Person{luis, priya},
		N:           26,
	}
	msl.Subjects = []string{
		"{C} - rooflight replacement",
		"Reading room ceiling - conservation officer visit",
		"Children's library layout",
		"{NAME} - lift shaft",
		"Listed building consent - condition 7",
		"Valuation {N} - {C}",
		"CLT panels delivery",
		"Book returns machine position",
		"Community room acoustics",
		"Asbestos survey results",
		"Shelving and stacks - supplier drawings",
		"Eastfield - client meeting minutes",
		"Accessible entrance ramp",
	}
	msl.Bodies = []string{
		"Stuart from the conservation team came out to look at the reading room ceiling. He is fine with us repairing the plaster cornice in lime but does not want the new lighting track fixed into the original ribs. Can we look at a freestanding option?",
		"The CLT panels for the extension are now due on {D}. Brightline need the crane booking confirmed by Friday, and Maple Street will have to be partly closed during the lift.",
		"Helen has marked up the children's library layout: she wants the story corner away from the windows and the self-service kiosks next to the entrance rather than by the stacks.",
		"The asbestos survey came back positive for the old boiler room and the floor tiles under the stacks. Brightline have paused the strip-out in those areas until the licensed contractor is appointed.",
		"Please find attached valuation {N} for {P}. It includes the CLT frame deposit and the temporary works to the east wall. Robert, the council's QS asked for the breakdown by cost centre which is on tab 2.",
		"The lift shaft for the new accessible entrance clashes with the existing drainage run. Ines is proposing a transfer beam so we don't have to divert the sewer, which would need another approval.",
		"Listed building consent condition 7 requires a sample of the replacement rooflight before installation. The conservation officer wants to see it in situ, so we'll have to mock one up on the east roof.",
		"The council would like the community room to be usable for evening events, so the acoustic separation to the reading room needs upgrading. Our acoustician suggests a secondary glazed screen.",
		"Robert confirmed the council's budget for {P} is fixed, so any addition has to be offset. We should look at dropping the second book returns machine and simplifying the shelving ends.",
		"Shelving supplier drawings are attached. The stacks are 1.6m high in the adult lending area, which Helen is happy with, but the children's library units need to be 1.2m max.",
		"Could you check the ramp gradient on the accessible entrance? The access consultant measured 1:14 on site, the drawing says 1:15.",
		"Brightline's programme for the library shows practical completion slipping two weeks, mostly because of the asbestos removal. The council will want to know if the reopening event in the autumn is at risk.",
		"{NAME} weekly report: strip-out 80 percent complete, CLT frame due, rooflights on order, asbestos removal starting {DAY}.",
		"The reading room floor is in better condition than expected under the carpet. The original parquet can be sanded and kept, which the conservation officer will love.",
		"Ines has looked at the roof trusses over the reading room. Two need splicing repairs, the rest are sound. She'll send the repair details to Brightline this week.",
		"The council's library services team want RFID gates at the entrance and the self-service kiosks linked to their new system. We need the data cabling revised before first fix.",
		"Attached is the {C} heritage statement addendum for the rooflights. Please review before we send it to the council.",
	}
	msl.NoteItems = []string{
		"Reading room ceiling: lime repair to cornice agreed, no fixings into original ribs",
		"CLT panels due {D}, crane booking and road closure on Maple Street",
		"Asbestos in boiler room and floor tiles, licensed removal to start {DAY}",
		"Children's library: story corner moved, kiosks by the entrance",
		"Lift shaft clash with drainage, transfer beam option from Ines",
		"Rooflight sample mock-up for condition 7",
		"Community room acoustic screen to be priced",
		"Budget fixed, savings: second returns machine, shelving ends",
		"Parquet in reading room to be retained and sanded",
		"RFID gates and kiosks: data cabling revision needed",
		"Reopening event in autumn at risk if PC slips",
	}
	msl.Talk = []string{
		"The conservation officer was actually quite relaxed about the cornice.",
		"Helen really wants the kiosks by the front door.",
		"The asbestos is going to cost us at least two weeks.",
		"Can we get the crane in on a Sunday so Maple Street isn't closed on a weekday?",
		"The parquet under the carpet is in great condition, we should keep it.",
		"Robert says the budget is fixed, full stop.",
		"The transfer beam avoids diverting the sewer, which is a big win.",
		"The children's shelving has to come down to 1.2 metres.",
	}
	msl.DocTitles = []string{"{NAME} - Heritage Statement Addendum", "{C} Design Development Report", "Reading room repairs schedule", "Children's library brief", "{NAME} - Access Statement", "Asbestos register summary"}
	msl.Sheet = &Sheet{Title: "Cost plan tracker", Header: "Element,Budget,Forecast,Variance,Comment",
		Rows: []string{"Strip out and asbestos,{MR},{MR},{N}000,licensed removal added", "CLT extension frame,{MR},{MR},0,deposit paid", "Rooflights,{MR},{MR},{N}00,heritage spec", "Lift and shaft,{MR},{MR},{N}000,transfer beam", "Shelving and stacks,{MR},{MR},-{N}00,ends simplified", "RFID and kiosks,{MR},{MR},{N}00,council IT", "Reading room repairs,{MR},{MR},{N}00,parquet retained", "Community room screen,{MR},{MR},{N}000,acoustic upgrade"}}
	msl.Attach = []string{"{C}_rooflight_sample.pdf", "heritage_statement_addendum.docx", "Valuation_{N}_library.xlsx", "asbestos_survey_R2.pdf", "shelving_GA_drawings.pdf"}

	rvc := &Spec{
		ID: "rvc", Name: "Riverside Pavilion Competition",
		Aliases:     []string{"the Riverside Pavilion", "the pavilion competition", "Riverside Pavilion"},
		Generic:     []string{"the competition", "the entry", "our entry", "the pavilion"},
		Description: "Open design competition entry for a timber riverside pavilion and café organised by the Lowmoor Riverside Trust. Submission: four A1 boards, design statement and a physical model.",
		Tags:        []string{"competition", "pavilion", "timber", "renders"},
		Categories:  []string{"Competitions"},
		RefKeywords: []string{"Lowmoor", "A1 boards", "jury", "design statement"},
		Notes:       "Deadline end of April. Renders by Pixelhaus (Kai).",
		Locations:   []string{"Lowmoor"},
		Domains:     []string{"lowmoortrust.org", "pixelhaus.studio"},
		People:      []Person{joanna, kai},
		External:    []Person{kai, kai, joanna},
		Internal:    []Person{tom, priya},
		N:           22,
	}
	rvc.Subjects = []string{
		"Competition - clarification questions",
		"Render views - first drafts",
		"Board layout v{N}",
		"Model workshop booking",
		"Design statement draft",
		"{NAME} - submission checklist",
		"Jury shortlist announcement",
		"Canopy structure idea",
		"Riverbank view - lighting",
		"Café kiosk plan",
	}
	rvc.Bodies = []string{
		"First drafts of the three render views are in the Dropbox: the riverbank approach, the café terrace at dusk and the aerial. The timber canopy reads well but I think the dusk view needs warmer light from inside the café.",
		"The Trust has published answers to the clarification questions. Most relevant for us: the pavilion can extend over the riverbank by up to 3m, and the café kiosk does not need its own WC.",
		"Board layout v{N} attached. I've moved the concept diagram to board 1 and the section through the canopy to board 3. We're still over the word limit on the design statement by about 200 words.",
		"I booked the model workshop for {D}. Priya, can you prepare the laser cutting files for the canopy ribs? Scale 1:100 as the brief asks.",
		"Kai says the final renders need three working days after we freeze the model, so the geometry has to be locked by the 20th if we want to hit the submission deadline.",
		"Design statement draft attached. The key message is a pavilion that sits lightly on the riverbank, built from local larch, that can be taken apart and reused.",
		"The competition brief says the entry must be anonymous: no practice name on the boards, the model or the file names. Please check the PDF metadata before we upload.",
		"The jury includes two architects, the Trust's chair and a local schoolteacher. I'd keep the boards very readable, fewer technical drawings, more atmosphere.",
		"Could we try a version of the canopy with the ribs at 1.2m centres instead of 900? It would save timber and the shadows on the deck would be more dramatic in the render.",
		"Lighting along the riverbank needs to be low and warm, the Trust is worried about bats. I've added a note to the design statement.",
		"Joanna from the Trust confirmed the submission portal opens on {D}. Boards as PDF, max 20MB each, the model delivered to their office by hand.",
		"Pixelhaus' quote for the three views plus one revision round is {M} pounds, which is within what we allowed for the entry.",
		"The café kiosk plan works better with the counter facing the river. Tom's sketch is in the shared folder.",
	}
	rvc.NoteItems = []string{
		"Render views: dusk view needs warmer interior light",
		"Board layout: concept on board 1, section on board 3",
		"Design statement over word limit, cut 200 words",
		"Model: laser cutting files for canopy ribs, 1:100",
		"Geometry freeze before Pixelhaus final renders",
		"Anonymity check on PDFs and file names",
		"Canopy ribs at 1.2m centres to be tested",
		"Bat-friendly riverbank lighting noted in statement",
		"Submission portal opens {D}",
	}
	rvc.Talk = []string{
		"The dusk render is nearly there, it just needs warmer light in the café.",
		"We have to freeze the geometry so Kai can finish the renders.",
		"Remember it's anonymous, nothing with our name on it.",
		"The larch canopy is the whole idea, let's not lose it.",
		"The jury isn't all architects, so keep the boards simple.",
		"Can we get the model done before the long weekend?",
	}
	rvc.DocTitles = []string{"{NAME} - Design Statement", "Competition brief - notes", "Board text draft", "Submission checklist"}
	rvc.Attach = []string{"board_layout_v{N}.pdf", "render_dusk_draft.jpg", "design_statement_draft.docx", "canopy_ribs_laser.dxf"}

	o.Projects = []*Spec{hvr, msl, rvc}

	// ---- no-project material ----
	bl := Person{Name: "Brightline Construction", Email: "news@brightline-build.com", Org: "Brightline Construction Ltd", Web: "www.brightline-build.com"}
	brightNews := &Spec{Noise: true, ID: "n-brightline", Name: "Brightline news", N: 4, Notices: []Notice{
		{From: bl, Subject: "Brightline Construction - Spring newsletter", Body: "Spring newsletter\n\nWe're delighted to share that our team at Riverside Retail Park has won a gold Considerate Constructors award. Thank you to all our partners and subcontractors.\n\nThis quarter we completed 3 schools, 120 homes and a health centre. Read our case studies on our website."},
		{From: bl, Subject: "Safety update: digital permits to work", Body: "From next month all Brightline sites move to digital permits to work. Site managers will brief visiting consultants and design teams at induction. Please make sure your staff carry their CSCS cards."},
		{From: bl, Subject: "We've moved!", Body: "Brightline Construction has moved to new offices at 4 Canal Wharf. Please update your records; phone numbers and email addresses remain the same."},
		{From: bl, Subject: "Brightline is recruiting", Body: "We're recruiting site managers, assistant quantity surveyors and a BIM coordinator for our growing residential and public sector work. Know someone great? Send them our way."},
		{From: gareth, Subject: "Site closure over the Easter weekend", Body: "Just so you have it in writing, all Brightline sites will be closed from Good Friday to Easter Monday inclusive. Security patrols continue as normal. Emergency contact number is on the site notice boards.", Mail: true},
	}}
	tender := &Spec{Noise: true, ID: "n-tender", Name: "Westbrook school tender", N: 4, Kinds: []string{"email", "email", "forward"},
		External: []Person{{Name: "Procurement Team", Email: "procurement@westbrookacademy.org.uk", Org: "Westbrook Academy Trust", Disclaimer: true}},
		Subjects: []string{"Invitation to tender - Westbrook School sports hall", "Westbrook sports hall - tender clarification", "Expression of interest - school extension framework"},
		Bodies: []string{
			"Westbrook Academy Trust invites architectural practices to tender for the design of a new sports hall and changing rooms. Tender documents are available on the procurement portal.",
			"Returns are due by noon on {D}. Please include two relevant case studies from the education sector and your professional indemnity insurance details.",
			"In response to a clarification question: the fee proposal should cover RIBA stages 2 to 4 only, with stage 5 as an option.",
			"The site visit will take place on {DAY} at {T}. Please confirm attendance with the names of up to two representatives.",
		}}
	sally := Person{Name: "Sally Green", Email: "sally@hollisreyes.com", Role: "Office Manager", Org: "Hollis Reyes Architects"}
	admin := &Spec{Noise: true, ID: "n-admin", Name: "Office admin", N: 6, Notices: []Notice{
		{From: Person{Name: "Autodesk", Email: "no-reply@autodesk.com"}, Subject: "Your Revit subscription renews soon", Body: "Your subscription for 6 Revit seats renews on {D}. To avoid interruption, please confirm your payment details in your Autodesk account."},
		{From: sally, Subject: "Christmas party - venue vote", Body: "We have three options for the party: the rooftop bar, the Italian place on the high street or the brewery. Please vote by {DAY}.", Mail: true},
		{From: Person{Name: "Hiscox Renewals", Email: "renewals@hiscox.co.uk"}, Subject: "Professional indemnity renewal", Body: "Your professional indemnity policy is due for renewal. Please complete the proposal form with your fee income for the last three years and details of any claims or circumstances."},
		{From: sally, Subject: "Timesheets!", Body: "A reminder that timesheets for last month are due today. Several people are still missing days in the system, and I can't run invoicing until they're in.", Mail: true},
		{From: sally, Subject: "Staff meeting agenda", Body: "Agenda for Monday's staff meeting: CPD programme, the new file naming standard, holiday planning and the kitchen rota. Lunch is provided.", Mail: true},
		{From: tom, Subject: "New starter on Monday", Body: "The new architectural assistant joins on Monday. Could we make sure a laptop, a Revit licence and the desk by the window are ready? I'll do the office induction.", Mail: true},
		{From: sally, Subject: "Heating engineer visit", Body: "The heating engineer is coming on {DAY}, so the meeting room will be out of use in the morning. Sorry for the short notice.", Mail: true},
	}}
	enquiry := &Spec{Noise: true, ID: "n-enquiry", Name: "House extension enquiry", N: 4, Kinds: []string{"email", "reply"},
		External: []Person{{Name: "Mark Ellison", Email: "mark.ellison@gmail.com"}},
		Subjects: []string{"Enquiry - rear extension", "Kitchen extension, fees?", "Loft conversion and extension"},
		Bodies: []string{
			"We're looking for an architect for a single storey rear extension to our Victorian terrace. We'd like a kitchen-diner with rooflights and bifold doors to the garden.",
			"Could you give us a rough idea of fees for planning drawings and building regs? Our budget for the build is around 90k.",
			"We saw your library project in the local paper and loved the use of timber. Would you take on something this small?",
			"Our neighbours extended last year so we're hoping planning won't be an issue. Are you free for a site visit on a Saturday?",
		}}
	bdw := Person{Name: "Building Design Weekly", Email: "newsletter@bdweekly.com"}
	ttf := Person{Name: "Timber Trade Federation", Email: "events@ttf-events.co.uk"}
	cpd := &Spec{Noise: true, ID: "n-cpd", Name: "Architecture newsletters", N: 5, Notices: []Notice{
		{From: bdw, Subject: "This week: the best new libraries in Europe", Body: "From Aarhus to Birmingham, libraries are being reinvented as civic living rooms. We look at five recent projects, their reading rooms and children's spaces, and what makes them work.\n\nAlso this week: practice news, the jobs board and our review of a new timber school."},
		{From: bdw, Subject: "Residential facades: what the new regulations mean", Body: "New guidance on balconies and external walls of residential buildings over 11m is out. Here is what architects need to know about cladding, fire strategy and the gateway process."},
		{From: ttf, Subject: "Webinar - designing with cross laminated timber", Body: "Cross laminated timber continues to grow in the UK. Our free webinar covers fire performance, moisture management on site and the insurance questions clients ask. Book your place now."},
		{From: bdw, Subject: "Awards shortlist announced", Body: "The shortlist for this year's awards includes 12 housing schemes and 4 public buildings, among them two library refurbishments. Voting for the people's choice award is open until Friday."},
		{From: ttf, Subject: "CPD seminar: fire safety after the Building Safety Act", Body: "Join our CPD seminar on fire safety in higher-risk residential buildings, covering gateway submissions, cladding, sprinklers and the role of the principal designer."},
	}}
	o.Noise = []*Spec{brightNews, tender, admin, enquiry, cpd}
	register(o)
}
