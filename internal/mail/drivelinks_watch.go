package mail

// WatchedLinks says, for each of a message's Drive links (in message
// order), whether its file is to be watched: the first max links that can
// be watched — files, not folders — are; the others are recorded without a
// watch. One message must not start thousands of watches, each a workflow
// and Drive calls on its recipients' quota: a 1 MB message can carry 20,000
// links. A max of 0 watches none.
func WatchedLinks(links []DriveLink, max int) []bool {
	watch := make([]bool, len(links))
	n := 0
	for i, l := range links {
		if n >= max {
			break
		}
		if l.Kind == DriveKindFolder {
			continue
		}
		watch[i] = true
		n++
	}
	return watch
}
