package classify

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
)

func TestThreadKey_IsTheSubjectWithoutReplyForwardAndListMarks(t *testing.T) {
	for _, c := range []struct {
		subject, want string
		reply         bool
	}{
		{"Re: [zzzzteana] RE: Re: Archer-UK TV Alert", "archer-uk tv alert", true},
		{"[zzzzteana] Re: Archer-UK TV Alert", "archer-uk tv alert", true},
		{"Fwd: FW:  Hill   Monuments defaced", "hill monuments defaced", true},
		{"AW: SV: Re[2]: Budget", "budget", true},
		{"Re: Re:", "", true},
		{"[list]", "", false},
		{"[list] Archer-UK TV Alert", "archer-uk tv alert", false},
		{"Reply all: the thread", "reply all: the thread", false}, // not a prefix
		{"Regarding the budget", "regarding the budget", false},
	} {
		if got, reply := threadKey(c.subject); got != c.want || reply != c.reply {
			t.Errorf("threadKey(%q) = %q, %v, want %q, %v", c.subject, got, reply, c.want, c.reply)
		}
	}
}

// The replies of a conversation share no words with the message they
// answer but the subject's, which are everyday words every source uses,
// and come from other people; yet they are the conversation: the
// collection graph links them by it, and they are filed to the project
// the first message was assigned to.
func TestCollection_RepliesAreNearTheMessageTheyAnswer(t *testing.T) {
	ctx := context.Background()
	ps := append(collectionProjects(), Project{ID: "club", Name: "Walking club", Description: "Our hill walking group.", Revision: "1"})
	coll := newCollection(3)
	for j := range coll.docs { // every source's subjects use the conversations' words
		coll.docs[j].Title += [...]string{", weekend plans", ", Monday plans"}[j%2]
	}
	conversations := []struct {
		subject string
		texts   []string // the first message, then the replies
	}{
		{"Weekend plans", []string{"Meet at the old mill at nine, bring boots and lunch.", "Count me in, I will drive up from town.", "Sorry, my knee is still bad this week."}},
		{"Monday plans", []string{"Has anyone seen the laminated map I left in the van?", "Check under the seats, I saw it there.", "No idea, ask the treasurer maybe."}},
	}
	for i, c := range conversations {
		coll.docs = append(coll.docs, CollectionDoc{ID: fmt.Sprintf("start%d", i), Title: c.subject, Author: fmt.Sprintf("Ann <ann@club%d.example>", i),
			Text: c.texts[0], Manual: true, ProjectID: "club"})
		for r, text := range c.texts[1:] {
			coll.docs = append(coll.docs, CollectionDoc{ID: fmt.Sprintf("reply%d-%d", i, r), Title: "Re: " + c.subject,
				Author: fmt.Sprintf("Bo <bo@mail%d%d.example>", i, r), Text: text})
		}
	}
	l, m := preparedModel(t, coll, ps)
	sc := m.newSearchScratch()
	for i := 0; i < 2; i++ {
		for r := 0; r < 2; r++ {
			id := fmt.Sprintf("reply%d-%d", i, r)
			nbs := m.neighbours(m.vecs[m.index[id]], m.index[id], sc)
			want := map[string]bool{fmt.Sprintf("start%d", i): true, fmt.Sprintf("reply%d-%d", i, 1-r): true}
			for _, nb := range nbs[:min(2, len(nbs))] {
				delete(want, m.ids[nb.doc])
			}
			if len(want) > 0 {
				t.Errorf("%s: the two nearest neighbours are not the rest of its conversation (missing %v)", id, want)
			}
			d, err := l.Classify(ctx, asDocument(coll.docs[m.index[id]], "owner"), ps)
			if err != nil {
				t.Fatal(err)
			}
			if d.ProjectID != "club" {
				t.Errorf("%s: filed to %q (candidates %v), want the conversation's project", id, d.ProjectID, d.Candidates)
			}
		}
	}
}

// A conversation no other document is in says nothing about a document, so
// unlike a rare word it takes no share of the vector's norm.
func TestCollection_AConversationOfItsOwnLeavesTheVectorAlone(t *testing.T) {
	_, m := preparedModel(t, newCollection(3), collectionProjects())
	var known string
	for term := range m.vocab {
		if !strings.HasPrefix(term, shapePrefix) {
			known = term
			break
		}
	}
	v := m.unitVector(map[string]float64{known: 1, threadFeature + "a conversation of its own": 8})
	if len(v) != 1 || math.Abs(float64(v[0].w)-1) > 1e-6 {
		t.Errorf("vector %v, want the known word alone at weight 1", v)
	}
	if v := m.unitVector(map[string]float64{known: 1, "zqneverseen": 1}); len(v) != 1 || v[0].w > 0.9 {
		t.Errorf("vector %v, want a rare word to keep its share of the norm", v)
	}
}

// Subjects alike are a conversation only once someone answers.
func TestCollection_ASubjectNoOneAnsweredLinksNothing(t *testing.T) {
	coll := newCollection(3)
	for i := 0; i < 3; i++ {
		coll.docs = append(coll.docs, CollectionDoc{ID: fmt.Sprintf("q%d", i), Title: "Quick question", Author: fmt.Sprintf("P <p@host%d.example>", i), Text: "Do you have a minute today?"})
	}
	_, m := preparedModel(t, coll, collectionProjects())
	if _, ok := m.vocab[threadFeature+"quick question"]; ok {
		t.Error("three unanswered messages with one subject are linked as a conversation")
	}
	coll.docs = append(coll.docs, CollectionDoc{ID: "answer", Title: "RE: Quick question", Author: "P <p@host0.example>", Text: "Sure, call me."})
	_, m = preparedModel(t, coll, collectionProjects())
	if _, ok := m.vocab[threadFeature+"quick question"]; !ok {
		t.Error("a subject with a reply is no conversation")
	}
}
