package main

// Northwind Studio: a software agency with three client projects that share
// most of their vocabulary (sprints, staging, API, React, QA, releases).
func init() {
	jonas := Person{Name: "Jonas Keller", Email: "jonas@northwind.dev", Role: "Managing Director", Org: "Northwind Studio", Web: "northwind.dev"}
	aisha := Person{Name: "Aisha Bello", Email: "aisha@northwind.dev", Role: "Lead Developer", Org: "Northwind Studio"}
	marco := Person{Name: "Marco Rossi", Email: "marco@northwind.dev", Role: "Product Designer", Org: "Northwind Studio"}
	hannah := Person{Name: "Hannah Lee", Email: "hannah@northwind.dev", Role: "Delivery Manager", Org: "Northwind Studio"}
	viktor := Person{Name: "Viktor Petrov", Email: "viktor@northwind.dev", Role: "Backend Engineer", Org: "Northwind Studio"}

	olivia := Person{Name: "Olivia Grant", Email: "olivia.grant@fernway.com", Role: "Head of E-commerce", Org: "Fernway Outdoor", Web: "fernway.com"}
	benc := Person{Name: "Ben Carter", Email: "ben.carter@fernway.com", Role: "CTO", Org: "Fernway Outdoor", Disclaimer: true}

	sara := Person{Name: "Sara Lindqvist", Email: "sara.lindqvist@pulsehealth.co", Role: "Product Owner", Org: "Pulse Health Clinics", Disclaimer: true}
	tomr := Person{Name: "Tom Reeves", Email: "it@pulsehealth.co", Role: "IT Manager", Org: "Pulse Health Clinics"}

	nina := Person{Name: "Nina Patel", Email: "nina@ledgerly.io", Role: "Head of Product", Org: "Ledgerly", Web: "ledgerly.io"}
	oscar := Person{Name: "Oscar Wu", Email: "oscar@ledgerly.io", Role: "Data Engineer", Org: "Ledgerly"}

	o := &Owner{ID: "northwind", Me: jonas, Team: []Person{aisha, marco, hannah, viktor}}
	o.Generic = []string{
		"Can we move the weekly call to {DAY}? I have a clash.",
		"I've left some comments on the ticket, have a look when you can.",
		"The invoice for last month is attached.",
		"Could you add me to the staging environment again? My login stopped working.",
		"Quick reminder about the demo on {DAY} at {T}.",
		"We'd like to talk about the scope for the next phase. Are you free this week?",
		"Our finance team asked for a purchase order number on the next invoice.",
	}

	o.Chatter = []string{
		"Unrelated, but the office wifi is being upgraded on {DAY} so expect some downtime.",
		"Are we still on for the retro on {DAY}?",
		"I'm off on {D}, Hannah will cover any client calls.",
		"Can someone review my PR when they get a chance? It's a small one.",
		"Reminder to log your hours before the end of the month, invoicing goes out on the 1st.",
		"I'll be late tomorrow, dentist in the morning.",
	}

	fern := &Spec{
		ID: "fern", Name: "Fernway Checkout Rebuild", Code: "FERN",
		Aliases:     []string{"Fernway", "the Fernway checkout", "Fernway Checkout"},
		Generic:     []string{"the checkout", "the new checkout", "the checkout rebuild", "the project"},
		Description: "Rebuild of Fernway Outdoor's web checkout as a headless React front end with Stripe payments, address lookup and shipping rates. Goal: higher conversion before Black Friday.",
		Tags:        []string{"ecommerce", "checkout", "payments", "stripe", "react"},
		Categories:  []string{"Client work", "Web"},
		RefKeywords: []string{"Fernway Outdoor", "cart", "conversion", "Apple Pay", "shipping"},
		Notes:       "Tickets in Jira with prefix FERN-. Olivia is the day-to-day contact, Ben signs off anything touching infrastructure.",
		Domains:     []string{"fernway.com"},
		People:      []Person{olivia, benc},
		External:    []Person{olivia, olivia, benc},
		Internal:    []Person{aisha, marco, viktor},
		N:           25,
	}
	fern.Subjects = []string{
		"{C}-{NN} Apple Pay button not showing on Safari",
		"Checkout conversion numbers - week {N}",
		"Shipping rates for oversized items",
		"Promo code stacking rules",
		"{NAME} - sprint {N} demo",
		"Black Friday load test",
		"Address autocomplete provider",
		"Stripe webhooks failing on staging",
		"Order confirmation email copy",
		"Guest checkout vs account creation",
		"Fernway - release {N}.{N} go/no-go",
		"Tent and backpack bundles in the cart",
	}
	fern.Bodies = []string{
		"The Apple Pay button is missing on Safari 17 when the cart contains a bundle. Looks like the payment request is created before the bundle price is resolved. {C}-{NN} has the details and a screen recording.",
		"Conversion on the new checkout is at 3.4 percent this week against 2.7 on the old one. Mobile is where most of the gain is. Olivia, can we share these numbers with your board?",
		"Oversized items like the family tents need a different shipping rate and can't go to parcel lockers. We'll add a flag on the product feed and hide the locker option in the checkout.",
		"Marketing want promo codes to stack with the member discount but not with clearance items. We need the final rules in writing before Aisha builds it.",
		"The Stripe webhooks are failing on staging because the signing secret was rotated. Viktor has updated it, payment intents are confirming again.",
		"For Black Friday we ran a load test at 10x last year's peak. The cart API held up, the address lookup did not: it rate limits us at 50 requests per second.",
		"Guest checkout should stay the default. Account creation moves to the order confirmation page with a one-click password field.",
		"Sprint {N} demo is on {DAY}. We'll show the new delivery options step, saved cards and the redesigned order summary.",
		"Ben asked for a rollback plan before we switch the checkout to 100 percent of traffic. Feature flag stays in place for two weeks after go-live.",
		"The order confirmation email copy from Fernway's marketing team is attached. The delivery estimate needs to come from the shipping API, not be hard-coded.",
		"We found that 18 percent of abandoned carts drop at the shipping step. Showing the delivery cost on the product page would probably help, but that's outside the checkout scope.",
		"Release {N}.{N} is ready: split payments fixed, Klarna behind a flag, the bundle discount rounding bug fixed. Go/no-go call {DAY} at {T}.",
		"Marco has updated the Figma for the payment step: card fields inline, Apple Pay and Google Pay on top, gift cards collapsed.",
		"Olivia flagged that the backpack and tent bundle shows the wrong total in the cart when the member discount applies. Reproduced on staging, fix in progress.",
	}
	fern.NoteItems = []string{
		"Conversion up to 3.4 percent, mobile driving most of it",
		"Apple Pay on Safari with bundles: fix in {C}-{NN}",
		"Shipping: oversized flag, no parcel lockers for tents",
		"Promo stacking rules to be confirmed by Fernway marketing",
		"Black Friday load test: address lookup rate limit is the bottleneck",
		"Rollback plan and feature flag for go-live",
		"Guest checkout stays default",
		"Stripe webhook secret rotated on staging",
		"Klarna behind a feature flag for release {N}.{N}",
	}
	fern.Talk = []string{
		"The mobile conversion on the new checkout is really good.",
		"We need the promo stacking rules in writing, otherwise we'll build the wrong thing.",
		"The address lookup rate limit will bite us on Black Friday.",
		"Tents can't go to parcel lockers, so we hide that option.",
		"Ben wants the feature flag kept for two weeks after launch.",
		"Apple Pay works everywhere except Safari with bundles in the cart.",
	}
	fern.DocTitles = []string{"{NAME} - Technical Design", "Checkout funnel analysis", "Black Friday readiness checklist", "Payment step - UX notes", "{NAME} - Release notes"}
	fern.Sheet = &Sheet{Title: "Sprint board export", Header: "Key,Summary,Status,Assignee,Points",
		Rows: []string{"FERN-{NN},Apple Pay missing with bundles,In progress,Aisha,3", "FERN-{NN},Oversized shipping flag,To do,Viktor,5", "FERN-{NN},Promo code stacking,Blocked,Aisha,8", "FERN-{NN},Order confirmation email,Done,Marco,2", "FERN-{NN},Address lookup caching,In review,Viktor,5", "FERN-{NN},Bundle total rounding,Done,Aisha,2", "FERN-{NN},Guest checkout account prompt,To do,Marco,3"}}
	fern.Attach = []string{"{C}-{NN}_recording.mov", "checkout_funnel_week{N}.pdf", "order_confirmation_copy.docx", "loadtest_report.html"}

	pulse := &Spec{
		ID: "pulse", Name: "Pulse Clinic App", Code: "PULSE",
		Aliases:     []string{"Pulse", "the Pulse app", "Pulse Clinic App"},
		Generic:     []string{"the app", "the mobile app", "the booking app", "the project"},
		Description: "React Native app for Pulse Health Clinics: patients book and manage appointments, get reminders and complete intake forms. Integrates with the clinics' scheduling system.",
		Tags:        []string{"mobile", "react_native", "healthcare", "booking", "gdpr"},
		Categories:  []string{"Client work", "Mobile"},
		RefKeywords: []string{"Pulse Health", "patients", "appointments", "clinicians", "TestFlight"},
		Notes:       "Tickets PULSE-. Health data: no real patient data on staging. Sara is the PO.",
		Domains:     []string{"pulsehealth.co"},
		People:      []Person{sara, tomr},
		External:    []Person{sara, sara, tomr},
		Internal:    []Person{aisha, hannah, viktor},
		N:           25,
	}
	pulse.Subjects = []string{
		"{C}-{NN} push reminders arriving twice",
		"App Store review rejected - health data wording",
		"TestFlight build {N}",
		"Appointment slots not refreshing",
		"{NAME} - consent screen copy",
		"Clinician availability sync",
		"Sprint {N} review - booking flow",
		"Data processing agreement",
		"Intake form: allergies field",
		"Android crash on login",
		"Pulse - release plan for the new clinics",
	}
	pulse.Bodies = []string{
		"Patients are getting the appointment reminder push notification twice when they reschedule. The old reminder isn't cancelled when the slot changes. {C}-{NN} has the logs.",
		"Apple rejected the build because the App Store description mentions diagnosis. Sara, can your team reword it so it's clear we only book appointments and don't give medical advice?",
		"TestFlight build {N} is out with the new intake form and the fix for the calendar freezing on older iPhones. Please ask the receptionists at the pilot clinic to try it.",
		"The available appointment slots don't refresh after a clinician blocks time in the scheduling system. The sync runs every 15 minutes, we propose moving to webhooks.",
		"The consent screen copy needs to come from your DPO. We can't launch without the GDPR wording for storing intake answers.",
		"Sprint {N} review: booking flow end to end works on both iOS and Android, the cancellation policy screen is done, the allergies field in the intake form is still open.",
		"The data processing agreement is attached for signature. Tom, it covers the hosting region and the subprocessors list you asked about.",
		"Staging must never have real patient data. Please use the synthetic dataset we set up, even when reproducing a clinic's bug.",
		"Android crashes on login for users with a very long surname. It's the avatar initials component. Fixed in the next build.",
		"The two new clinics in Leeds and York go live in phase 2. Their clinicians' calendars need mapping in the scheduling system first.",
		"Sara asked if patients can add a family member and book on their behalf. That's a bigger change: consent, identity checks and a new data model. Let's scope it separately.",
		"The reminder time should be configurable per clinic. Physio wants 48 hours, the GP practices 24.",
		"Hannah will run the accessibility audit on the booking flow next week, screen reader labels on the calendar are the main gap.",
	}
	pulse.NoteItems = []string{
		"Duplicate reminders on reschedule: cancel old push in {C}-{NN}",
		"App Store rejection: description to be reworded by Pulse",
		"TestFlight build {N} to pilot clinic receptionists",
		"Slot sync: move from polling to webhooks",
		"Consent copy from the DPO is blocking launch",
		"Family member booking: scope separately",
		"Reminder timing configurable per clinic",
		"Accessibility audit of the booking flow",
		"Leeds and York clinics in phase 2",
	}
	pulse.Talk = []string{
		"The double reminders are because we never cancel the old notification.",
		"Apple doesn't like the word diagnosis in the listing.",
		"The receptionists at the pilot clinic love the new intake form.",
		"We can't put real patient data on staging, ever.",
		"Family booking is a whole new feature, not a tweak.",
		"Physio wants reminders 48 hours before.",
	}
	pulse.DocTitles = []string{"{NAME} - Privacy and Consent", "Booking flow spec", "Clinic onboarding checklist", "{NAME} - Test plan", "Accessibility audit findings"}
	pulse.Sheet = &Sheet{Title: "Bug triage", Header: "Key,Summary,Platform,Severity,Status",
		Rows: []string{"PULSE-{NN},Duplicate reminder push,iOS+Android,High,In progress", "PULSE-{NN},Login crash long surname,Android,Critical,Fixed", "PULSE-{NN},Slots not refreshing,Both,Medium,To do", "PULSE-{NN},Calendar freeze iPhone 8,iOS,High,Fixed", "PULSE-{NN},Allergies field validation,Both,Low,Open", "PULSE-{NN},Screen reader labels calendar,Both,Medium,Open"}}
	pulse.Attach = []string{"{C}-{NN}_logs.txt", "DPA_Northwind_Pulse.pdf", "appstore_rejection.png", "intake_form_v{N}.pdf"}

	ledg := &Spec{
		ID: "ledg", Name: "Ledgerly Analytics Dashboard", Code: "LDG",
		Aliases:     []string{"Ledgerly", "the Ledgerly dashboard", "Ledgerly Analytics"},
		Generic:     []string{"the dashboard", "the analytics work", "the project"},
		Description: "Customer-facing analytics dashboard for Ledgerly, a small-business accounting platform: cash flow, revenue and invoice KPIs, charts, filters and CSV export on top of BigQuery.",
		Tags:        []string{"analytics", "dashboard", "charts", "bigquery", "react"},
		Categories:  []string{"Client work", "Web"},
		RefKeywords: []string{"Ledgerly", "KPIs", "cash flow", "widgets", "CSV export"},
		Notes:       "Tickets LDG-. Nina (product), Oscar (data).",
		Domains:     []string{"ledgerly.io"},
		People:      []Person{nina, oscar},
		External:    []Person{nina, nina, oscar},
		Internal:    []Person{marco, viktor, hannah},
		N:           24,
	}
	ledg.Subjects = []string{
		"{C}-{NN} cash flow chart wrong for negative months",
		"Dashboard query performance",
		"KPI definitions - overdue invoices",
		"{NAME} - beta customer feedback",
		"CSV export timezone",
		"Widget library decision",
		"Sprint {N} demo - dashboard",
		"BigQuery costs",
		"Role-based access for accountants",
		"Date range picker designs",
	}
	ledg.Bodies = []string{
		"The cash flow chart draws negative months above the axis when the user has a custom fiscal year. Oscar thinks the aggregation view is fine and it's our chart config. See {C}-{NN}.",
		"The revenue widget takes 6 seconds to load for customers with more than 20,000 invoices. Viktor suggests materialising the monthly aggregates in BigQuery every hour.",
		"We need a single definition of an overdue invoice: due date passed and not fully paid, or also partially paid? Nina, the KPI tile and the export currently disagree.",
		"Beta feedback from the first ten customers: they love the cash flow forecast, they want to compare with the same period last year, and the colours are hard to tell apart.",
		"The CSV export uses UTC, so invoices created late in the evening land on the wrong day for Australian customers. We'll use the company's timezone setting.",
		"We compared three chart libraries. Recharts is the simplest for the team, but the zoomable time series needs something like ECharts. Marco prefers the look of Recharts.",
		"BigQuery costs went up 40 percent last month because the dashboard queries scan the full invoices table. Partitioning by issue date should fix most of it.",
		"Accountants who manage several companies need read-only access to each client's dashboard. That means a role per company, not per user.",
		"Sprint {N} demo on {DAY}: KPI tiles, the new date range picker, export to CSV and the empty states for new customers.",
		"Marco's designs for the date range picker are in Figma: presets for this month, last quarter and fiscal year to date, plus a custom range.",
		"Oscar has added a staging dataset with 50 fake companies so we can test the charts without touching customer data.",
		"Nina wants the dashboard to be the default landing page after login for the beta group from {D}.",
	}
	ledg.NoteItems = []string{
		"Negative months in cash flow chart: chart config bug, {C}-{NN}",
		"Revenue widget slow: hourly materialised aggregates",
		"Overdue invoice definition to be agreed with Nina",
		"Beta feedback: year-on-year comparison, colour contrast",
		"CSV export to use company timezone",
		"Chart library: Recharts vs ECharts, decision by Friday",
		"BigQuery costs: partition invoices table by issue date",
		"Accountant role per company",
	}
	ledg.Talk = []string{
		"The negative months thing is our chart config, not the data.",
		"Six seconds for the revenue widget is way too slow.",
		"We still don't have one definition of overdue.",
		"Partitioning the invoices table should cut the BigQuery bill.",
		"The beta customers really like the forecast.",
		"Accountants need to see several companies.",
	}
	ledg.DocTitles = []string{"{NAME} - KPI Definitions", "Dashboard data model", "Beta feedback summary", "Chart library comparison", "{NAME} - Roadmap Q3"}
	ledg.Sheet = &Sheet{Title: "KPI definitions", Header: "KPI,Definition,Source table,Owner",
		Rows: []string{"Revenue,Sum of invoice totals by issue date,invoices,Nina", "Overdue amount,Unpaid balance past due date,invoices,Nina", "Cash in,Payments received,payments,Oscar", "Cash out,Bills paid,bills,Oscar", "Days sales outstanding,Average days to payment,invoices,Nina", "Forecast,Projected balance next 90 days,cashflow_forecast,Oscar"}}
	ledg.Attach = []string{"{C}-{NN}_screenshot.png", "kpi_definitions_v{N}.xlsx", "beta_feedback.pdf", "bigquery_costs.csv"}

	o.Projects = []*Spec{fern, pulse, ledg}

	orbit := &Spec{Noise: true, ID: "n-orbit", Name: "Orbit Foods prospect", N: 5, Kinds: []string{"email", "reply", "forward"},
		External: []Person{{Name: "Priyanka Shah", Email: "priyanka@orbitfoods.com", Role: "Digital Director", Org: "Orbit Foods"}},
		Subjects: []string{"Online ordering for our restaurants", "Request for proposal - ordering app", "Follow-up: budget and timeline"},
		Bodies: []string{
			"We run 14 restaurants and want customers to order and pay online for collection. We're looking for an agency to build the ordering site and a simple app.",
			"Our payments are with Adyen today, but we're open to Stripe if it makes the checkout simpler. The menu comes from our POS system.",
			"Could you send a rough estimate and a team proposal? We'd like to launch before the summer.",
			"Thanks for the call. Budget is around 120k for phase one. Can you include ongoing support in the proposal?",
		}}
	vendors := &Spec{Noise: true, ID: "n-vendors", Name: "SaaS notifications", N: 7, Notices: []Notice{
		{From: Person{Name: "Stripe", Email: "notifications@stripe.com"}, Subject: "What's new in Stripe: Payment Links and Checkout updates", Body: "This month: Stripe Checkout supports more local payment methods, Payment Links can collect shipping addresses, and Apple Pay domain verification is simpler. Read the changelog for API changes."},
		{From: Person{Name: "Stripe", Email: "notifications@stripe.com"}, Subject: "API version upgrade reminder", Body: "Your account uses an API version that will be deprecated in 90 days. Review the upgrade guide to avoid interruption to your payments."},
		{From: Person{Name: "GitHub", Email: "noreply@github.com"}, Subject: "[northwind/site] Dependabot alert: upgrade next", Body: "A vulnerable dependency was found in package.json of northwind/site. Upgrade next to the patched version to resolve this alert."},
		{From: Person{Name: "GitHub", Email: "noreply@github.com"}, Subject: "[northwind/handbook] New pull request #{NN}", Body: "hannah opened a pull request: Update onboarding checklist for new developers. 3 files changed, 41 additions."},
		{From: Person{Name: "AWS Billing", Email: "aws-billing@amazon.com"}, Subject: "Your AWS invoice is available", Body: "Your invoice for account Northwind Studio is available. Total due: {NN}.50 USD. Top services: EC2, S3, CloudFront."},
		{From: Person{Name: "Vercel", Email: "notifications@vercel.com"}, Subject: "Deployment failed: northwind-site", Body: "The build for northwind-site failed on branch main: type error in components/Footer.tsx. View the build logs in your dashboard."},
		{From: Person{Name: "Figma", Email: "no-reply@figma.com"}, Subject: "Your Figma invoice", Body: "Thanks for your payment. Professional plan, 5 editors, billed annually. Download your invoice from the admin settings."},
	}}
	claudia := Person{Name: "Claudia Brandt", Email: "claudia@brandt-accounting.de", Role: "Steuerberaterin", Org: "Brandt Accounting"}
	agency := &Spec{Noise: true, ID: "n-agency", Name: "Agency internal", N: 7, Notices: []Notice{
		{From: hannah, Subject: "Hiring: junior frontend developer", Body: "We have 40 applications for the junior frontend role. I've shortlisted six, mostly React and TypeScript. Interviews on {DAY} and {DAY}, can you join the second round?", Mail: true},
		{From: hannah, Subject: "Team offsite in September", Body: "Offsite plan: two days in the countryside, one day of workshops on our process, one day hiking. Please block the dates in your calendar.", Mail: true},
		{From: claudia, Subject: "Q2 invoices and VAT", Body: "For the VAT return I need all Q2 invoices and the receipts for the new monitors. Please upload them by {D}.", Mail: true},
		{From: aisha, Subject: "Conference talk proposal", Body: "I submitted a talk to the React conference about design systems for small teams. If it gets accepted I'd need three days off in October.", Mail: true},
		{From: jonas, Subject: "New laptop policy", Body: "From next year laptops are replaced every three years. Let me know if yours is older and struggling.", Mail: true},
		{From: hannah, Subject: "Holiday calendar", Body: "Please add your summer holidays to the shared calendar so we can plan sprints and client cover around them.", Mail: true},
		{From: aisha, Subject: "Retro notes", Body: "Retro notes: standups are too long, code review turnaround is good, we want fewer meetings on Fridays and a proper on-call rota.", Mail: true},
	}}
	o.Noise = []*Spec{orbit, vendors, agency}
	register(o)
}
