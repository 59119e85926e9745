package main

// Sam Okafor: a private person with a kitchen renovation, a trip and a tax
// return, and the usual flood of mail that belongs to none of them.
func init() {
	sam := Person{Name: "Sam Okafor", Email: "sam.okafor@gmail.com"}
	jess := Person{Name: "Jess Okafor", Email: "jess.okafor@gmail.com"}

	pat := Person{Name: "Pat Dunmore", Email: "pat@dunmorebuilders.co.uk", Role: "Director", Org: "Dunmore Builders Ltd", Phone: "07700 900555"}
	emma := Person{Name: "Emma Shaw", Email: "emma.shaw@oaklinekitchens.com", Role: "Kitchen Designer", Org: "Oakline Kitchens", Web: "www.oaklinekitchens.com", Disclaimer: true}
	dave := Person{Name: "Dave Kemp", Email: "dkemp.electrical@outlook.com", Role: "Electrician"}

	nia := Person{Name: "Nia Mensah", Email: "nia.mensah@yahoo.com"}
	airbnb := Person{Name: "Airbnb", Email: "automated@airbnb.com"}
	tap := Person{Name: "TAP Air Portugal", Email: "noreply@flytap.com"}

	rachel := Person{Name: "Rachel Morgan", Email: "rachel@morgantax.co.uk", Role: "Chartered Tax Adviser", Org: "Morgan Tax Services", Phone: "0161 496 0751"}
	hmrc := Person{Name: "HMRC", Email: "noreply@tax.service.gov.uk"}

	o := &Owner{ID: "okafor", Me: sam, Team: []Person{jess}}
	o.Generic = []string{
		"Are you around on {DAY}? I can pop over at {T}.",
		"Invoice attached, thanks.",
		"Just checking you got my message from last week.",
		"Can you give me a ring when you're free?",
		"Sounds good, see you then.",
	}

	o.Chatter = []string{
		"Also, can you pick up milk on the way home?",
		"Mum says hi, she's coming over on Sunday.",
		"Did you remember to put the bins out?",
		"I'll be back late on {DAY}, football.",
	}

	kitchen := &Spec{
		ID: "kitchen", Name: "Kitchen Renovation",
		Aliases:     []string{"the kitchen renovation", "the kitchen", "the kitchen project"},
		Generic:     []string{"the work", "the job", "the build", "the works"},
		Description: "Full kitchen renovation at home: knock through to the dining room, new units from Oakline, quartz worktops, island, rewiring and underfloor heating. Builder: Dunmore Builders.",
		Tags:        []string{"renovation", "kitchen", "builder", "home"},
		Categories:  []string{"Home"},
		RefKeywords: []string{"Oakline", "worktops", "island", "knock through", "underfloor heating"},
		Notes:       "Pat Dunmore is the builder. Emma at Oakline designed the kitchen. Dave does the electrics.",
		Domains:     []string{"dunmorebuilders.co.uk", "oaklinekitchens.com"},
		People:      []Person{pat, emma, dave},
		External:    []Person{pat, pat, emma, dave},
		Internal:    []Person{jess},
		N:           26,
	}
	kitchen.Subjects = []string{
		"Quote for the knock through",
		"Kitchen design - revised layout",
		"Worktop templating",
		"Steel beam delivery",
		"Electrics first fix",
		"Invoice {N} - stage payment",
		"Underfloor heating options",
		"Tiles?",
		"Island position",
		"Building control inspection",
		"Extractor fan",
		"Delivery date for the units",
	}
	kitchen.Bodies = []string{
		"Please find attached our quote for removing the wall between the kitchen and dining room, supplying and fitting the steel, making good and plastering. Building control fees are included.",
		"Emma here from Oakline. I've revised the layout so the island is 1.1m from the tall units, which gives you room for the dishwasher door. The sink stays under the window.",
		"The quartz worktops can be templated once all the base units are fitted and level. The templating visit takes about an hour, and fitting is roughly ten days later.",
		"The steel beam is arriving on {DAY} morning. We'll need the driveway clear and someone home to let the lads in. The props will stay up for two days.",
		"Dave will do the first fix electrics next week: sockets on the island, under-cabinet lights, the extractor and a dedicated circuit for the oven. Have you decided on the pendant lights?",
		"Attached is invoice {N} for the stage payment now the wall is out and the beam is signed off. Payment within seven days please.",
		"For the underfloor heating, wet is cheaper to run but raises the floor by about 15mm more than electric. With the tiles you've picked, I'd go electric for a kitchen this size.",
		"Jess and I went to the tile shop on Saturday. We like the large grey porcelain for the floor and a handmade green tile for the splashback. Samples are on the windowsill.",
		"Building control came this morning and signed off the beam and the padstones. Next inspection is when the electrics are done.",
		"Can the island be moved 20cm towards the garden? We keep bumping into the fridge in the mock-up.",
		"The units are in stock and can be delivered on {D}. The fitters will need the room clear, plastered and the floor down.",
		"The extractor Emma specified is ducted through the outside wall. Pat says that's fine but he'll need to core drill the brickwork.",
		"There's a small crack in the ceiling where the wall came out. Pat says it's normal settlement and they'll fill it before decorating.",
	}
	kitchen.NoteItems = []string{
		"Beam delivery {DAY}, driveway clear",
		"Island moved 20cm towards the garden",
		"Electric underfloor heating chosen",
		"Worktop templating after base units are level",
		"Pendant lights to be chosen before first fix",
		"Stage payment due within 7 days",
		"Splashback tiles: handmade green",
		"Building control: electrics inspection next",
	}
	kitchen.Talk = []string{
		"The island really needs to move a bit, we keep hitting the fridge.",
		"Pat says the crack in the ceiling is just settlement.",
		"Electric underfloor heating makes more sense with these tiles.",
		"The worktops can't be templated until the units are level.",
	}
	kitchen.DocTitles = []string{"Kitchen budget", "{NAME} - decisions", "Tile and lighting shortlist", "Questions for Pat"}
	kitchen.Sheet = &Sheet{Title: "Budget tracker", Header: "Item,Supplier,Quote,Paid,Notes",
		Rows: []string{"Knock through and beam,Dunmore,{MR},{MR},stage 1", "Units,Oakline,{MR},{MR},deposit paid", "Quartz worktops,Oakline,{MR},0,after templating", "Electrics,Dave Kemp,{MR},{MR},first fix", "Underfloor heating,Dunmore,{MR},0,electric", "Tiles,Tile shop,{MR},{MR},floor and splashback", "Extractor,Oakline,{MR},0,ducted", "Pendant lights,online,{NN},0,not chosen"}}
	kitchen.Attach = []string{"Dunmore_quote_kitchen.pdf", "Oakline_layout_rev{N}.pdf", "invoice_{N}.pdf", "tile_samples.jpg"}

	trip := &Spec{
		ID: "lisbon", Name: "Lisbon Trip",
		Aliases:     []string{"the Lisbon trip", "Lisbon", "our Lisbon weekend"},
		Generic:     []string{"the trip", "the holiday", "our weekend away"},
		Description: "Long weekend in Lisbon in May with Nia and Kofi: flights, apartment in Alfama, Sintra day trip, restaurants.",
		Tags:        []string{"travel", "holiday", "lisbon"},
		Categories:  []string{"Travel"},
		RefKeywords: []string{"Alfama", "Sintra", "TAP", "Airbnb"},
		Notes:       "Flights TAP. Apartment via Airbnb. Splitting costs with Nia and Kofi.",
		Locations:   []string{"Lisbon", "Sintra", "Alfama"},
		Domains:     []string{"flytap.com"},
		People:      []Person{nia},
		External:    []Person{nia, nia},
		NoticeShare: 0.35,
		Notices: []Notice{
			{From: airbnb, Subject: "Reservation confirmed - Sunny Alfama Loft", Body: "Your reservation at Sunny Alfama Loft with terrace is confirmed for 4 guests. Check-in Thursday 15 May after 3pm, checkout Sunday 18 May by 11am. Your host will send arrival instructions closer to the date. Total paid: 620.00 EUR."},
			{From: airbnb, Subject: "Message from your host, Joana", Body: "Joana: Hi Sam, the building has no lift and the apartment is on the third floor, so pack light! The key box code will be sent on the day of arrival. Enjoy Lisbon!"},
			{From: tap, Subject: "Booking confirmation - LHR to LIS", Body: "Thank you for flying with us. Booking reference QX7{NN}. Outbound London Heathrow to Lisbon, Thursday 15 May 07:05. Return Sunday 18 May 19:40. 4 passengers."},
			{From: tap, Subject: "Online check-in is now open", Body: "Online check-in for your flight TP1351 to Lisbon is now open. Check in up to 36 hours before departure and download your boarding pass."},
			{From: Person{Name: "Parques de Sintra", Email: "tickets@parquesdesintra.pt"}, Subject: "Your tickets: Pena Palace", Body: "Your e-tickets for Pena Palace and Park, Saturday 17 May, 10:30 entry slot, 4 adults. Please show the QR code at the entrance."},
		},
		Internal: []Person{jess},
		N:        20,
		Kinds:    []string{"email", "email", "email", "reply", "reply", "forward", "doc"},
	}
	trip.Subjects = []string{
		"Sintra day trip?",
		"Restaurant list",
		"Splitting the costs",
		"Itinerary",
		"Fado night",
		"Flights booked!",
		"Apartment options",
		"What to pack",
	}
	trip.Bodies = []string{
		"Shall we do Sintra on the Saturday? The train from Rossio takes 40 minutes. Pena Palace needs timed tickets, so we should book ahead.",
		"My restaurant list so far: a tasca in Alfama that Nia's cousin recommended, the seafood place in Cais do Sodré, and pastéis de nata at the famous bakery in Belém.",
		"Total so far: apartment 620 euros, flights 4 x 148 pounds. I'll put it in the spreadsheet and we can settle up after {P}.",
		"Kofi wants to see a fado show. There's one on Friday night in a small place near the cathedral, dinner included.",
		"Itinerary: Thursday arrive and wander Alfama, Friday tram 28 and the castle, Saturday Sintra, Sunday Belém and the LX Factory before the flight.",
		"Don't forget that Lisbon is very hilly, bring proper shoes. And it might still rain in May.",
		"Flights are booked! Heathrow early on the Thursday, back Sunday evening. I'll forward the confirmation so you have the booking reference.",
		"I found two apartments in Alfama with a terrace. The one with the view of the river is a bit more but sleeps four properly. Shall I book it?",
		"Nia says we should take the ferry across to Cacilhas for lunch one day, apparently the fish places there are cheaper and better.",
		"Can you two sort out the Sintra tickets? I've done the apartment and the flights.",
	}
	trip.Talk = []string{"Sintra on Saturday, Belém on Sunday.", "The apartment has no lift."}
	trip.NoteItems = []string{"Book Pena Palace tickets", "Fado show Friday"}
	trip.DocTitles = []string{"{NAME} - itinerary", "Packing list", "Costs"}

	tax := &Spec{
		ID: "tax", Name: "Tax Return 2024-25",
		Aliases:     []string{"the tax return", "my self assessment", "the 2024-25 return"},
		Generic:     []string{"the return", "this year's return"},
		Description: "Self Assessment tax return for the 2024-25 tax year, prepared with Morgan Tax Services: employment income, rental income from the flat, pension contributions.",
		Tags:        []string{"tax", "self_assessment", "finance"},
		Categories:  []string{"Finance", "Admin"},
		RefKeywords: []string{"HMRC", "UTR", "P60", "rental income", "self assessment"},
		Notes:       "Accountant: Rachel Morgan. Deadline 31 January.",
		Domains:     []string{"morgantax.co.uk"},
		People:      []Person{rachel},
		External:    []Person{rachel, rachel, rachel},
		NoticeShare: 0.25,
		Notices: []Notice{
			{From: hmrc, Subject: "Your Self Assessment tax return has been received", Body: "We have received your Self Assessment tax return for the tax year 2024 to 2025. Submission receipt reference: {NN}XK{NN}. You can view your calculation in your personal tax account."},
			{From: hmrc, Subject: "Self Assessment: payment reminder", Body: "This is a reminder that your Self Assessment payment is due by 31 January. You can pay online by bank transfer or debit card."},
			{From: hmrc, Subject: "Your tax code has changed", Body: "Your tax code for the 2025 to 2026 tax year has changed. This may be because of changes to your income or benefits. Sign in to your personal tax account to see why."},
		},
		Internal: []Person{jess},
		N:        18,
		Kinds:    []string{"email", "email", "email", "reply", "reply", "forward", "doc"},
	}
	tax.Subjects = []string{
		"Documents needed for your return",
		"Rental income and expenses",
		"Draft return for approval",
		"P60 and P11D",
		"Pension contributions - higher rate relief",
		"Payment on account",
		"Engagement letter",
		"Question about mortgage interest",
	}
	tax.Bodies = []string{
		"To prepare your 2024-25 return I'll need your P60, any P11D, the rental income and expenses for the flat, and statements for any savings interest over 500 pounds.",
		"For the rental property, please list the rent received, letting agent fees, repairs, insurance and the mortgage interest. Mortgage interest now only gets basic rate relief.",
		"The draft return is attached for your review. Tax due is {M} pounds, and a payment on account for next year of roughly half that.",
		"Your personal pension contributions qualify for higher rate relief, which we claim on the return. Please send the annual statement from the provider.",
		"Payments on account are due on 31 January and 31 July. If your rental income falls next year we can apply to reduce them.",
		"Please sign and return the engagement letter. Our fee for the return is 450 pounds plus VAT.",
		"Found my P60 in the drawer. Also, the boiler repair at the flat in August was 680 pounds, does that count as an expense?",
		"I've submitted the return to HMRC today. Your UTR and the submission receipt are attached for your records.",
	}
	tax.Talk = []string{"Mortgage interest only gets basic rate relief now."}
	tax.NoteItems = []string{"Send P60 to Rachel", "Find boiler repair receipt"}
	tax.DocTitles = []string{"Rental income 2024-25", "{NAME} - checklist"}

	o.Projects = []*Spec{kitchen, trip, tax}

	amazon := Person{Name: "Amazon.co.uk", Email: "shipment-tracking@amazon.co.uk"}
	shopping := &Spec{Noise: true, ID: "n-shop", Name: "Shopping and services", N: 10, Notices: []Notice{
		{From: amazon, Subject: "Your Amazon.co.uk order has been dispatched", Body: "Your package with 'USB-C charging cable, 2m' and 1 more item has been dispatched and will arrive {DAY}. Track your package in Your Orders."},
		{From: amazon, Subject: "Delivered: your Amazon.co.uk order", Body: "Your package was delivered. It was handed to a resident. Item: 'Children's waterproof jacket, age 7-8'."},
		{From: Person{Name: "Octopus Energy", Email: "hello@octopus.energy"}, Subject: "Your energy statement", Body: "Your statement for last month is ready. You used 212 kWh of electricity and 640 kWh of gas. Your direct debit stays the same."},
		{From: Person{Name: "PureGym", Email: "info@puregym.com"}, Subject: "Your membership renews soon", Body: "Your gym membership renews on {D} at 24.99 a month. Want to freeze it instead? Manage your membership in the app."},
		{From: Person{Name: "Monzo", Email: "help@monzo.com"}, Subject: "Your monthly statement is ready", Body: "Your statement is ready to view in the app. You spent most on groceries and eating out this month."},
		{From: Person{Name: "Tile Giant", Email: "offers@tilegiant.co.uk"}, Subject: "Bathroom and kitchen tiles - up to 40% off this weekend", Body: "Up to 40 percent off porcelain, metro and mosaic tiles this weekend only. Free delivery over 300 pounds. Find your nearest store."},
		{From: Person{Name: "Octopus Energy", Email: "hello@octopus.energy"}, Subject: "Time for a meter reading", Body: "Please submit a meter reading so your next bill is accurate. It only takes a minute in the app."},
		{From: Person{Name: "Evri", Email: "noreply@evri.com"}, Subject: "Rate your recent delivery", Body: "How was your delivery today? Rate it in one click."},
		{From: Person{Name: "Thames Water", Email: "noreply@thameswater.co.uk"}, Subject: "Your water bill", Body: "Your new bill is ready. The amount will be collected by direct debit on the 1st."},
		{From: Person{Name: "Netflix", Email: "info@mailer.netflix.com"}, Subject: "New on Netflix this week", Body: "New this week: a true crime documentary, the final season of the space drama, and a cooking competition filmed in Portugal."},
	}}
	kofi := Person{Name: "Kofi Boateng", Email: "kofi.boateng@gmail.com"}
	school := Person{Name: "Oakfield Primary School", Email: "office@oakfieldprimary.sch.uk"}
	social := &Spec{Noise: true, ID: "n-social", Name: "Friends and family", N: 9, Notices: []Notice{
		{From: kofi, Subject: "BBQ on Saturday?", Body: "We're doing a BBQ on Saturday from 2, bring the kids. We've finally finished the garden so come and admire it.", Mail: true},
		{From: Person{Name: "Grace Okafor", Email: "grace.okafor52@btinternet.com"}, Subject: "Photos from Christmas", Body: "Here are the photos from Christmas at ours. The one of your dad with the paper hat is my favourite. Love to Jess and the children.", Mail: true},
		{From: school, Subject: "Summer term newsletter", Body: "Summer term dates, sports day on {D}, and a reminder that the school kitchen is closed for refurbishment so children need packed lunches for two weeks."},
		{From: Person{Name: "Eastside Sunday League", Email: "fixtures@eastsideleague.org"}, Subject: "Fixtures for next month", Body: "Fixtures for next month are attached. Kick-off 10:30 unless stated. Please confirm availability with your captain."},
		{From: nia, Subject: "Happy birthday!", Body: "Happy birthday! Hope you have a lovely day, let's get dinner soon. Kofi says the football team misses you.", Mail: true},
		{From: school, Subject: "Parents' evening", Body: "Parents' evening appointments are now open to book online, 10 minutes per teacher."},
		{From: kofi, Subject: "Porto?", Body: "Are you two still thinking about Portugal again next year? We loved Porto last time, the port cellars are worth it, and the train from there to the Douro valley.", Mail: true},
		{From: jess, Subject: "Car MOT", Body: "The car's MOT is due on {D}. Can you book it at the garage on the high street? They had a slot on {DAY}.", Mail: true},
		{From: Person{Name: "Dr Mehta's Surgery", Email: "appointments@greenlanesurgery.nhs.uk"}, Subject: "Appointment reminder", Body: "This is a reminder of your appointment on {D} at {T}. Please reply CANCEL if you can no longer attend."},
	}}
	scam := &Spec{Noise: true, ID: "n-scam", Name: "Phishing", N: 3, Notices: []Notice{
		{From: Person{Name: "HM Revenue & Customs", Email: "refunds@hmrc-taxrefund-online.com"}, Subject: "You are eligible for a tax refund of 428.50 GBP", Body: "After the last annual calculation of your fiscal activity we have determined that you are eligible to receive a tax refund of 428.50 GBP. Click here to claim within 24 hours."},
		{From: Person{Name: "Travel Deals", Email: "deals@cheapbreaks-mail.com"}, Subject: "Last chance: city breaks to Porto and Seville", Body: "City breaks from 99 pounds: Porto, Seville, Valencia and Madeira. Flights and hotel included, limited availability."},
		{From: Person{Name: "Account Security", Email: "security@verify-accounts-uk.com"}, Subject: "Action required: verify your account", Body: "We noticed unusual activity on your account. Please verify your identity by entering your details on our secure page."},
	}}
	o.Noise = []*Spec{shopping, social, scam}
	register(o)
}
