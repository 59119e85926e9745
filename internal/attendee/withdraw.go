package attendee

import (
	"context"
	"fmt"
)

// WithdrawOutcome says what Withdraw did with a bot.
type WithdrawOutcome string

// Withdraw outcomes.
const (
	// WithdrawDeleted: the bot was scheduled and is deleted; it never joins.
	WithdrawDeleted WithdrawOutcome = "deleted"
	// WithdrawLeaving: the bot was asked to leave (or was already leaving);
	// it ends on its own.
	WithdrawLeaving WithdrawOutcome = "leaving"
	// WithdrawNotYet: the bot is staged or starting, a state Attendee lets
	// no one delete or leave; try again once it is joining.
	WithdrawNotYet WithdrawOutcome = "not_yet"
	// WithdrawGone: the bot has ended, or Attendee no longer knows it.
	WithdrawGone WithdrawOutcome = "gone"
)

// Withdraw takes a bot out of its meeting by the only means its state
// allows: delete while scheduled, leave once joining. A state that changes
// under it (scheduled → staged, joining → ended) is read again.
func (c *Client) Withdraw(ctx context.Context, id string) (WithdrawOutcome, Bot, error) {
	for range 3 {
		bot, err := c.GetBot(ctx, id)
		if IsNotFound(err) {
			return WithdrawGone, Bot{ID: id}, nil
		}
		if err != nil {
			return "", Bot{}, err
		}
		switch {
		case Final(bot.State):
			return WithdrawGone, bot, nil
		case bot.State == StateScheduled:
			err = c.DeleteBot(ctx, id)
			if err == nil || IsNotFound(err) {
				return WithdrawDeleted, bot, nil
			}
		case CanLeave(bot.State):
			var left Bot
			left, err = c.LeaveBot(ctx, id)
			if err == nil {
				return WithdrawLeaving, left, nil
			}
		case bot.State == StateLeaving || bot.State == StatePostProcessing || bot.State == StateDisconnecting:
			return WithdrawLeaving, bot, nil
		default:
			return WithdrawNotYet, bot, nil
		}
		if !IsInvalidState(err) {
			return "", Bot{}, err
		}
	}
	return "", Bot{}, fmt.Errorf("attendee withdraw %s: the bot's state kept changing", id)
}
