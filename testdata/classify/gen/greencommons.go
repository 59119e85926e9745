package main

// Green Commons Trust: a small nonprofit with a grant application, a public
// event and an annual report, all of which talk about orchards, volunteers
// and budgets.
func init() {
	fatima := Person{Name: "Fatima Haddad", Email: "fatima@greencommons.org", Role: "Director", Org: "Green Commons Trust", Web: "greencommons.org"}
	owen := Person{Name: "Owen Marsh", Email: "owen@greencommons.org", Role: "Events Coordinator", Org: "Green Commons Trust"}
	lucy := Person{Name: "Lucy Tran", Email: "lucy@greencommons.org", Role: "Fundraising Lead", Org: "Green Commons Trust"}
	ravi := Person{Name: "Ravi Menon", Email: "ravi.menon@gmail.com", Role: "Treasurer (volunteer)"}

	ingrid := Person{Name: "Ingrid Solberg", Email: "ingrid.solberg@halvorsenfoundation.org", Role: "Programme Officer", Org: "The Halvorsen Foundation", Disclaimer: true}
	headteacher := Person{Name: "Daniel Osei", Email: "head@stmarksprimary.sch.uk", Role: "Headteacher", Org: "St Mark's Primary School"}

	parks := Person{Name: "Karen Whitley", Email: "events@millbrook.gov.uk", Role: "Parks Events Officer", Org: "Millbrook Council", Disclaimer: true}
	band := Person{Name: "Josh Fenton", Email: "bookings@theapplejacks.band", Role: "Band manager"}
	trader := Person{Name: "Marta Kowalska", Email: "marta@pierogipeople.co.uk", Role: "Food trader", Org: "Pierogi People"}

	kit := Person{Name: "Kit Morgan", Email: "kit@kitmorgan.design", Role: "Graphic Designer", Web: "kitmorgan.design"}
	ashby := Person{Name: "Paul Ashby", Email: "paul@ashbyco.co.uk", Role: "Partner", Org: "Ashby & Co Chartered Accountants", Disclaimer: true}

	o := &Owner{ID: "greencommons", Me: fatima, Team: []Person{owen, lucy, ravi}}
	o.Generic = []string{
		"Could we have a call on {DAY} to go through the next steps?",
		"I've attached the latest version with my comments.",
		"Thanks for sending this over, I'll read it properly tonight.",
		"Just checking you received my last email?",
		"Would {DAY} at {T} work for a quick meeting?",
		"Sorry, I've been away. I'll get back to you properly by {DAY}.",
	}

	o.Chatter = []string{
		"On another note, the office key is with Owen this week.",
		"Thank you again for everything you're doing, it really makes a difference.",
		"I'm working from the allotment shed on {DAY} so may be slow to reply.",
		"Could you also add this to the agenda for the trustees' meeting?",
		"Sorry, I'm juggling a lot this week.",
	}

	grant := &Spec{
		ID: "grant", Name: "Urban Orchards Grant", Code: "HF-2025-0418",
		Aliases:     []string{"the Urban Orchards application", "Urban Orchards", "the Halvorsen bid"},
		Generic:     []string{"the application", "the bid", "the grant", "the proposal"},
		Description: "Application to the Halvorsen Foundation for a three-year grant to plant and maintain community orchards at 8 sites, including 4 school grounds, with volunteer training.",
		Tags:        []string{"grant", "fundraising", "orchards", "schools"},
		Categories:  []string{"Fundraising"},
		RefKeywords: []string{"Halvorsen Foundation", "letters of support", "theory of change", "match funding"},
		Notes:       "Stage 2 application. Programme officer Ingrid Solberg. Reference HF-2025-0418.",
		Domains:     []string{"halvorsenfoundation.org"},
		People:      []Person{ingrid, lucy},
		External:    []Person{ingrid, ingrid, headteacher},
		Internal:    []Person{lucy, ravi},
		N:           24,
	}
	grant.Subjects = []string{
		"{C} - stage 2 invitation",
		"Budget narrative draft",
		"Letter of support from St Mark's",
		"Theory of change diagram",
		"{NAME} - outcomes and indicators",
		"Match funding question",
		"Site list for the application",
		"Feedback on our draft",
		"Monitoring and evaluation plan",
		"Submission deadline reminder",
	}
	grant.Bodies = []string{
		"I'm pleased to invite Green Commons Trust to submit a stage 2 application. Please note the reference {C} in all correspondence. The deadline is noon on {D}.",
		"The budget narrative needs to explain the jump in year 2: that's when the four school sites are planted and we hire the part-time orchard coordinator.",
		"St Mark's has sent a lovely letter of support. Daniel mentions the Year 5 class who would look after the trees and use the harvest in cookery lessons.",
		"Lucy has redrawn the theory of change: volunteers trained, 120 fruit trees planted across 8 sites, children engaged, fruit shared locally, and long-term community stewardship.",
		"For the outcomes section the Foundation wants measurable indicators. I suggest trees surviving after two years, volunteer hours, and the number of pupils taking part.",
		"The Foundation asks for 20 percent match funding. Ravi confirmed we can show the council's in-kind contribution of land and the volunteer time at the standard rate.",
		"Ingrid gave feedback on our draft: strengthen the sustainability section and explain who maintains the orchards after year 3.",
		"The site list for {P} is attached: four schools, two parks, the hospital garden and the allotments on Bell Lane.",
		"Please don't exceed 1,500 words in the project description. The portal cuts off anything longer without warning.",
		"The monitoring and evaluation plan can reuse our survey from the hedgerow project, with a pruning workshop attendance log added.",
		"Daniel asked whether the school would need to pay for the trees. I said no, the grant covers trees, stakes, guards and the first two years of maintenance.",
		"Ravi has checked the figures: total request {M} pounds over three years, with the coordinator salary as the biggest line.",
	}
	grant.NoteItems = []string{
		"Stage 2 deadline {D}, reference {C}",
		"Budget narrative: explain year 2 increase",
		"Letters of support: St Mark's received, two more needed",
		"Theory of change redrawn by Lucy",
		"Indicators: tree survival, volunteer hours, pupils involved",
		"Match funding 20 percent via in-kind land and volunteer time",
		"Sustainability after year 3 to be strengthened",
		"Word limit 1,500 on project description",
	}
	grant.Talk = []string{
		"Ingrid was clear, they want to know who looks after the trees after year three.",
		"The match funding can be in kind, which is a relief.",
		"We need two more letters of support before the deadline.",
		"The coordinator salary is the biggest line in the budget.",
		"The portal silently cuts anything over the word limit.",
	}
	grant.DocTitles = []string{"{NAME} - Stage 2 Application", "Budget narrative", "Theory of change", "Monitoring and evaluation plan", "{C} site list"}
	grant.Sheet = &Sheet{Title: "Grant budget", Header: "Line,Year 1,Year 2,Year 3,Notes",
		Rows: []string{"Fruit trees and stakes,{MR},{MR},{MR},120 trees", "Orchard coordinator (0.6 FTE),{MR},{MR},{MR},from year 2", "Volunteer training,{MR},{MR},{MR},pruning and grafting", "Tools and equipment,{MR},{MR},{MR},", "School sessions,{MR},{MR},{MR},4 schools", "Evaluation,{MR},{MR},{MR},survey", "Overheads 10%,{MR},{MR},{MR},"}}
	grant.Attach = []string{"{C}_budget_v{N}.xlsx", "letter_of_support_st_marks.pdf", "theory_of_change.png", "site_list.docx"}

	fest := &Spec{
		ID: "fest", Name: "Harvest Festival 2025",
		Aliases:     []string{"the Harvest Festival", "Harvest Fest", "the festival"},
		Generic:     []string{"the event", "the day", "September's event"},
		Description: "Annual community harvest festival in Millbrook Park on 27 September: food traders, live music, apple pressing, kids' activities and a volunteer-run raffle.",
		Tags:        []string{"event", "festival", "volunteers", "traders"},
		Categories:  []string{"Events"},
		RefKeywords: []string{"Millbrook Park", "stalls", "marquee", "raffle", "apple pressing"},
		Notes:       "Event permit via Millbrook Council parks events team. Owen leads.",
		Locations:   []string{"Millbrook Park"},
		Domains:     []string{"millbrook.gov.uk"},
		People:      []Person{owen, parks},
		External:    []Person{parks, parks, band, trader},
		Internal:    []Person{owen},
		N:           25,
	}
	fest.Subjects = []string{
		"Event permit application - Millbrook Park",
		"Trader pitches and fees",
		"Band booking confirmation",
		"Volunteer rota for the 27th",
		"{NAME} - risk assessment",
		"Marquee and toilets quote",
		"Raffle prizes",
		"First aid cover",
		"Apple pressing demo",
		"Poster draft",
		"Event insurance",
	}
	fest.Bodies = []string{
		"Thank you for your event permit application for Millbrook Park on 27 September. Please send the risk assessment, the site plan and your public liability certificate at least six weeks before the event.",
		"We have 18 food trader pitches this year. Fees stay at 40 pounds for local traders and 75 for others. Marta from Pierogi People wants a pitch near the stage again.",
		"The band is confirmed for a 45-minute set at 3pm. They need a 3x4m covered stage, two power sockets and somewhere to park the van.",
		"Volunteer rota: we need 30 people across three shifts for set-up, stalls, the raffle table and the litter picking at the end. Owen is sending the sign-up form.",
		"The risk assessment needs updating for the apple pressing: hand washing point, keeping children away from the press, and a plan if it rains.",
		"Quote attached for two marquees (6x12m), eight portable toilets including one accessible, and hand wash stations. Delivery on the Friday, collection Monday.",
		"Local shops have donated raffle prizes: a veg box subscription, a bike service, dinner for two and a family pass to the city farm.",
		"St John Ambulance can provide two first aiders from 11 to 5. They need a gazebo and a table near the main path.",
		"For the apple pressing we'll bring the big press from the orchard group. Visitors can bring their own apples, we'll bottle the juice on the spot.",
		"Kit sent a poster draft with the date, the park map and the line-up. Can we add the bus routes and the accessibility info?",
		"The council needs our public liability insurance to cover at least 5 million. Our policy is 10, so we're fine, but they want the certificate before the permit is issued.",
		"Parking on the park road will be closed from 8am. Traders must arrive before then or unload at the Elm Street gate.",
		"Last year we had about 2,500 visitors. If the weather is good this year we might get more, so let's add a third bin station.",
	}
	fest.NoteItems = []string{
		"Permit: risk assessment, site plan and PL certificate six weeks before",
		"18 trader pitches, fees unchanged",
		"Band at 3pm, covered stage and power needed",
		"Volunteer rota: 30 people across three shifts",
		"Apple pressing added to risk assessment",
		"Two marquees and eight toilets booked",
		"Raffle prizes from local shops",
		"First aid: St John, two first aiders",
		"Poster: add bus routes and accessibility info",
		"Road closure from 8am, traders via Elm Street gate",
	}
	fest.Talk = []string{
		"We need at least thirty volunteers on the day.",
		"The council won't issue the permit without the insurance certificate.",
		"Marta wants her pitch near the stage again.",
		"If it rains, the apple pressing moves into the marquee.",
		"The toilets get delivered on the Friday.",
		"Last year was about two and a half thousand people.",
	}
	fest.DocTitles = []string{"{NAME} - Event Plan", "Risk assessment", "Site plan notes", "Volunteer briefing", "Trader information pack"}
	fest.Sheet = &Sheet{Title: "Volunteer rota", Header: "Name,Shift,Role,Phone",
		Rows: []string{"Amy,08:00-11:00,Set-up,07700 900{NN}", "Dev,08:00-11:00,Set-up,07700 900{NN}", "Grace,11:00-14:00,Raffle table,07700 900{NN}", "Hamza,11:00-14:00,Info point,07700 900{NN}", "Lena,14:00-17:00,Apple pressing,07700 900{NN}", "Tom,14:00-17:00,Litter pick,07700 900{NN}", "Zoe,11:00-14:00,Kids' crafts,07700 900{NN}"}}
	fest.Attach = []string{"site_plan_millbrook_park.pdf", "risk_assessment_v{N}.docx", "poster_draft.pdf", "marquee_quote.pdf"}

	report := &Spec{
		ID: "report", Name: "Annual Report 2024",
		Aliases:     []string{"the annual report", "Annual Report 2024", "the 2024 report"},
		Generic:     []string{"the report", "the document", "the layout"},
		Description: "Design and print of the 2024 annual report: impact figures, stories from the orchards and gardens, trustees' foreword and the summarised financial statements.",
		Tags:        []string{"annual_report", "design", "print", "impact"},
		Categories:  []string{"Communications", "Governance"},
		RefKeywords: []string{"trustees' report", "financial statements", "impact figures", "print run"},
		Notes:       "Designer Kit Morgan. Accounts from Ashby & Co must be approved by the trustees before print.",
		Domains:     []string{"kitmorgan.design", "ashbyco.co.uk"},
		People:      []Person{kit, ashby},
		External:    []Person{kit, kit, ashby},
		Internal:    []Person{lucy, ravi},
		N:           23,
	}
	report.Subjects = []string{
		"First layout draft",
		"Impact figures for 2024",
		"Photos for the report",
		"Trustees' foreword",
		"Accounts - final version for approval",
		"Print quotes",
		"{NAME} - proof {N}",
		"Chair's signature",
		"Typos on page {N}",
		"Digital version for the website",
	}
	report.Bodies = []string{
		"First layout draft attached. I've kept the green and cream palette from last year, with a big number spread for the impact figures and a photo essay in the middle.",
		"Impact figures for 2024: 1,240 volunteer hours, 64 fruit trees planted, 9 community gardens supported and 3,100 people at events. Can someone double-check the trees number?",
		"I need high resolution photos for the cover and the stories section. The ones from the shared drive are too small to print at A4.",
		"The trustees' foreword is attached. The chair wants to thank the volunteers by name, which won't fit; I suggest a thank-you page instead.",
		"Please find attached the final accounts for the year to 31 December 2024 for approval by the trustees. Once signed, the summarised figures can go in the report.",
		"Print quotes: 500 copies on recycled silk, 28 pages, saddle stitched. Cheapest is {M} pounds with a five-day turnaround.",
		"Proof {N} attached with the corrections from Lucy. The financial summary page still shows last year's reserves figure.",
		"Ravi says the accounts must be approved at the trustees' meeting on {D} before anything goes to print.",
		"Found a few typos: page 7 says 'orchads', page 12 the caption names the wrong garden. I'll mark them up on the PDF.",
		"For the website we need an accessible PDF and a short web version with the headline figures.",
		"Kit can do the photo essay if we choose twelve images by {DAY}. Owen has good ones from the hedgerow planting.",
		"The reserves policy paragraph has to match the wording in the accounts exactly. Paul can you confirm it?",
	}
	report.NoteItems = []string{
		"Layout draft: palette kept, impact spread, photo essay",
		"Impact figures to be double-checked (trees planted)",
		"High resolution photos needed for the cover",
		"Foreword: thank-you page instead of names",
		"Accounts approval at trustees' meeting before print",
		"Print run 500 copies, recycled silk",
		"Accessible PDF and web version",
		"Reserves wording to match the accounts",
	}
	report.Talk = []string{
		"The trustees have to approve the accounts before we print anything.",
		"We need bigger photos, these will look awful printed.",
		"Let's do a thank-you page for the volunteers.",
		"Five hundred copies should be enough this year.",
		"The reserves figure on the summary page is last year's.",
	}
	report.DocTitles = []string{"{NAME} - Copy", "Impact figures 2024", "Trustees' foreword", "Photo shortlist", "Financial summary text"}
	report.Sheet = &Sheet{Title: "Impact figures", Header: "Measure,2023,2024,Source",
		Rows: []string{"Volunteer hours,980,1240,sign-in sheets", "Trees planted,41,64,planting logs", "Gardens supported,7,9,project records", "Event visitors,2600,3100,counts", "Workshops held,22,31,bookings", "Schools involved,3,5,project records"}}
	report.Attach = []string{"AR2024_layout_draft_v{N}.pdf", "accounts_2024_final.pdf", "print_quotes.xlsx", "foreword.docx"}

	o.Projects = []*Spec{grant, fest, report}

	csn := Person{Name: "Community Sector Network", Email: "bulletin@csnetwork.org.uk"}
	network := &Spec{Noise: true, ID: "n-network", Name: "Sector newsletters", N: 5, Notices: []Notice{
		{From: csn, Subject: "Funding bulletin: 12 new grants open this month", Body: "New this month: a green spaces fund for community groups, a capital grant for village halls and small grants for youth projects. Deadlines vary, see the links for eligibility and how to apply."},
		{From: Person{Name: "Mailchimp", Email: "no-reply@mailchimp.com"}, Subject: "Your monthly Mailchimp report", Body: "Your campaign 'Spring newsletter' was opened by 42 percent of subscribers. Top link: volunteer sign-up. Your audience grew by 31 contacts."},
		{From: csn, Subject: "Charity Commission guidance update", Body: "The Charity Commission has updated its guidance on annual returns. Charities with income over 10,000 pounds must file within ten months of their financial year end."},
		{From: csn, Subject: "Volunteer Week resources", Body: "Volunteer Week is coming up. Download our free posters, certificates and social media templates to thank your volunteers."},
		{From: csn, Subject: "Trustee training dates", Body: "Free trustee training on governance and finance is running online every Tuesday in October. Places are limited."},
	}}
	misc := &Spec{Noise: true, ID: "n-gc-misc", Name: "Nonprofit misc", N: 6, Notices: []Notice{
		{From: Person{Name: "Lottery Community Fund", Email: "grants@communityfund.example.org"}, Subject: "Decision on your Wildflower Verges application", Body: "Thank you for applying for funding for Wildflower Verges. Unfortunately we are unable to offer a grant on this occasion due to the high number of applications."},
		{From: Person{Name: "Jan Novak", Email: "jan.novak@hotmail.com"}, Subject: "Donation in memory of my father", Body: "I'd like to donate 200 pounds in memory of my father, who loved his garden. Could you send me a Gift Aid form?", Mail: true},
		{From: Person{Name: "Bell Lane Allotments", Email: "secretary@belllaneallotments.org"}, Subject: "Allotment water supply", Body: "The water supply at the allotments will be off on {DAY} for repairs to the main. Please water your beds the evening before.", Mail: true},
		{From: ravi, Subject: "Office lease renewal", Body: "The landlord has sent the lease renewal for the office at Unit 4. Rent goes up 5 percent from April. I think we should accept, but let's discuss at the next trustees' meeting.", Mail: true},
		{From: owen, Subject: "DBS checks for new volunteers", Body: "We have five new volunteers who need DBS checks before working with children. The online portal asks for two forms of ID each.", Mail: true},
		{From: Person{Name: "Priya Desai", Email: "priya.desai@outlook.com"}, Subject: "Borrowing gazebos?", Body: "Could we borrow your gazebos for our street party in June? We'd collect and return them the same day.", Mail: true},
	}}
	o.Noise = []*Spec{network, misc}
	register(o)
}
