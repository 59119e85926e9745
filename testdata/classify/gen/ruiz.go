package main

// Elena Ruiz: a freelance brand consultant with two clients that share a
// photographer and a printer.
func init() {
	elena := Person{Name: "Elena Ruiz", Email: "elena@elenaruiz.studio", Role: "Brand Consultant", Org: "Elena Ruiz Studio", Web: "elenaruiz.studio"}
	sofia := Person{Name: "Sofia Marin", Email: "sofia@elenaruiz.studio", Role: "Junior Designer", Org: "Elena Ruiz Studio"}

	mateo := Person{Name: "Mateo Silva", Email: "mateo@bravacoffee.com", Role: "Founder", Org: "Brava Coffee Roasters", Web: "bravacoffee.com"}
	lina := Person{Name: "Lina Park", Email: "lina@bravacoffee.com", Role: "Operations", Org: "Brava Coffee Roasters"}
	grace := Person{Name: "Grace Holloway", Email: "g.holloway@tidewaterhotel.com", Role: "Marketing Director", Org: "The Tidewater Hotel", Disclaimer: true}
	gm := Person{Name: "Henrik Vos", Email: "gm@tidewaterhotel.com", Role: "General Manager", Org: "The Tidewater Hotel", Disclaimer: true}
	leo := Person{Name: "Leo Brandt", Email: "leo@leobrandt.photo", Role: "Photographer", Web: "leobrandt.photo"}
	inkwell := Person{Name: "Ruth Adebayo", Email: "ruth@inkwellprint.com", Role: "Account Manager", Org: "Inkwell Print", Web: "inkwellprint.com"}

	o := &Owner{ID: "ruiz", Me: elena, Team: []Person{sofia}}
	o.Generic = []string{
		"Can we move our call to {DAY} at {T}?",
		"I've added my comments to the shared file.",
		"Invoice attached for this month.",
		"Looking forward to seeing the next round!",
		"Are you free for a coffee next week to catch up?",
	}

	o.Chatter = []string{
		"I'm working from the café on {DAY}, ping me on my mobile if urgent.",
		"Could you send me your invoice for last month as well?",
		"I've shared the folder again, let me know if it still asks for access.",
	}

	brava := &Spec{
		ID: "brava", Name: "Brava Coffee Rebrand",
		Aliases:     []string{"Brava", "the Brava rebrand", "Brava Coffee"},
		Generic:     []string{"the rebrand", "the identity", "the new brand"},
		Description: "Full rebrand for Brava Coffee Roasters: logo, colour palette, typography, coffee bag packaging, café signage and brand guidelines.",
		Tags:        []string{"branding", "packaging", "logo", "coffee"},
		Categories:  []string{"Client work", "Branding"},
		RefKeywords: []string{"coffee bags", "roastery", "brand guidelines", "signage"},
		Notes:       "Mateo decides. Packaging printed by Inkwell. Product photography by Leo.",
		Domains:     []string{"bravacoffee.com"},
		People:      []Person{mateo, lina},
		External:    []Person{mateo, mateo, lina, leo, inkwell},
		Internal:    []Person{sofia},
		N:           24,
	}
	brava.Subjects = []string{
		"Logo concepts round 2",
		"Coffee bag dieline",
		"Palette - too dark?",
		"Packaging proofs",
		"Product shoot - bags and cups",
		"{NAME} - brand guidelines draft",
		"Signage for the roastery café",
		"Single origin labels",
		"Print quantities for the bags",
	}
	brava.Bodies = []string{
		"Here are the round 2 logo concepts. Option B keeps the hand-drawn B from the old mark but cleans it up; option C is a bolder wordmark that works better small on the bags.",
		"The dieline for the 250g coffee bags is attached. The valve sits top centre, so the logo has to move down about 12mm on the front panel.",
		"Mateo feels the terracotta palette is too dark on the kraft paper. Let's test a lighter clay tone and print both on the actual bag stock.",
		"Packaging proofs are ready for sign-off. Please check the roast date box and the single origin text carefully, we can't change the plates after approval.",
		"For the product shoot we need the bags, the new cups and some beans in shot. Leo suggests shooting at the roastery in the morning light.",
		"The brand guidelines draft covers the logo, clear space, colours, the two typefaces and examples for bags, cups and the café menu board.",
		"The roastery café signage needs to be visible from the street. I'd propose the wordmark in the lighter clay on a dark green fascia.",
		"Each single origin gets its own label colour: Ethiopia in yellow, Colombia in clay, Brazil in green. The tasting notes sit in a small box on the back.",
		"Lina asked for 3,000 bags of each size for the first run. Inkwell's minimum is 2,000, so that's fine.",
		"Mateo loved option C. He wants to see it on the cups and the van before we commit.",
	}
	brava.NoteItems = []string{
		"Logo: option C preferred, mock-ups on cups and van",
		"Palette: test lighter clay on kraft",
		"Bag dieline: logo down 12mm for the valve",
		"Single origin label colours agreed",
		"Product shoot at the roastery, morning light",
		"Print run 3,000 bags per size",
	}
	brava.Talk = []string{
		"The terracotta just goes muddy on kraft paper.",
		"Option C reads much better at small sizes.",
		"We should shoot the bags at the roastery in the morning.",
	}
	brava.DocTitles = []string{"{NAME} - Brand Guidelines", "Packaging copy", "Logo rationale", "Signage brief"}
	brava.Attach = []string{"logo_round2.pdf", "bag_dieline_250g.pdf", "packaging_proof_v{N}.pdf", "guidelines_draft.pdf"}

	tide := &Spec{
		ID: "tide", Name: "Tidewater Hotel Launch",
		Aliases:     []string{"Tidewater", "the Tidewater launch", "the hotel launch"},
		Generic:     []string{"the launch", "the campaign", "the opening"},
		Description: "Launch campaign for the reopening of The Tidewater Hotel after refurbishment: opening event, press release, social media, influencer stays, website copy and room photography.",
		Tags:        []string{"launch", "campaign", "hospitality", "press"},
		Categories:  []string{"Client work", "Marketing"},
		RefKeywords: []string{"opening event", "press release", "influencers", "room photography"},
		Notes:       "Grace is the client lead. Reopening date 12 June.",
		Domains:     []string{"tidewaterhotel.com"},
		People:      []Person{grace, gm},
		External:    []Person{grace, grace, gm, leo, inkwell},
		Internal:    []Person{sofia},
		N:           23,
	}
	tide.Subjects = []string{
		"Press release - final draft",
		"Opening event guest list",
		"Room photography schedule",
		"Influencer stays in June",
		"{NAME} - campaign timeline",
		"Website copy for the rooms",
		"Invitations print",
		"Instagram content plan",
		"Menu cards for the opening night",
	}
	tide.Bodies = []string{
		"The final draft of the press release is attached. Henrik would like a quote from him about the harbour-view suites and the new seafood restaurant.",
		"The guest list for the opening event is at 180: local press, travel writers, the mayor, neighbours and the team's families. We need RSVPs by {D}.",
		"Leo can shoot the rooms on {DAY} and {DAY}. Housekeeping needs to have the suites dressed by 8am, and the restaurant shot has to happen before lunch service.",
		"We've invited six influencers for stays in the first two weeks of June. Each gets one night, dinner and a spa treatment; content agreed in advance.",
		"Campaign timeline: teaser posts from mid May, press release on the 2nd, invitations out now, opening night on the 12th, influencer stays afterwards.",
		"Website copy for the room pages is in the shared doc. I kept the tone warm and a bit salty, lots of sea air and linen, not too much luxury jargon.",
		"Inkwell can print the invitations on the heavy cotton stock with the blue foil. 250 copies, delivered in five working days.",
		"The Instagram plan alternates room details, the harbour, the staff and the food. Three posts a week until the opening, daily during launch week.",
		"Menu cards for the opening night need the chef's final menu by Monday. Grace, can you chase the kitchen?",
		"Grace would like a short video for the lobby screen. Leo can film it during the room shoot if we add half a day.",
	}
	tide.NoteItems = []string{
		"Press release: add Henrik quote on suites and restaurant",
		"Guest list at 180, RSVPs by {D}",
		"Room shoot, housekeeping to dress suites by 8am",
		"Six influencer stays in June",
		"Invitations: cotton stock with blue foil, 250",
		"Instagram: three posts a week until opening",
	}
	tide.Talk = []string{
		"Henrik wants to be quoted about the suites.",
		"The rooms need to be dressed before Leo arrives.",
		"Let's keep the copy warm, not luxury jargon.",
	}
	tide.DocTitles = []string{"{NAME} - Campaign Plan", "Press release draft", "Room page copy", "Influencer brief"}
	tide.Attach = []string{"press_release_final.docx", "guest_list.xlsx", "shoot_schedule.pdf", "invitation_proof.pdf"}

	o.Projects = []*Spec{brava, tide}

	tomas := Person{Name: "Tomas Lind", Email: "tomas@nordicbakeryco.com", Role: "Owner", Org: "Nordic Bakery Co"}
	other := &Spec{Noise: true, ID: "n-ruiz", Name: "Freelance misc", N: 8, Notices: []Notice{
		{From: tomas, Subject: "New bakery identity - are you available?", Body: "We're opening a second bakery and want a new identity for both shops: logo, signage, bags and a simple website. Could you send your rates and availability for the summer?", Mail: true},
		{From: Person{Name: "Brand New Weekly", Email: "digest@brandnewweekly.com"}, Subject: "This week in branding", Body: "This week: three coffee brands that nailed their packaging, why hotel rebrands keep going minimal, and type trends for the year."},
		{From: Person{Name: "The Hive Coworking", Email: "members@thehivecowork.com"}, Subject: "Coworking: new member events", Body: "New this month at the Hive: a portfolio review night, a talk on pricing your freelance work and free pastries on Fridays."},
		{From: tomas, Subject: "Re: invoice 2024-031", Body: "Sorry, your invoice 2024-031 for the workshop slipped through the cracks. Paying it today.", Mail: true},
		{From: leo, Subject: "My new portfolio site", Body: "I finally launched my new portfolio site, would love your thoughts. There's a new series on coastal architecture and some still life work.", Mail: true},
		{From: leo, Subject: "Photo workshop in the autumn", Body: "I'm running a weekend photo workshop in October for designers who want to shoot their own product images. Interested? Mates' rates for you.", Mail: true},
		{From: inkwell, Subject: "Inkwell Print - summer closure", Body: "Inkwell Print will be closed for two weeks in August. Please get any artwork for August deliveries to us by the 18th of July.", Mail: false},
		{From: Person{Name: "Adobe", Email: "mail@mail.adobe.com"}, Subject: "Your Creative Cloud plan renews soon", Body: "Your Creative Cloud All Apps plan renews on {D}. Review your plan or payment method in your account."},
	}}
	o.Noise = []*Spec{other}
	register(o)
}
