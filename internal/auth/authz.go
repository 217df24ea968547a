package auth

import (
	"slices"

	"fanarchive"
)

// Action is something a request may change. Every write route names one,
// and the router asks Can before the handler runs (internal/web routes.go);
// actions of later steps are named here already, so their routes plug in.
type Action string

// Actions.
const (
	// Anyone, logged in or not.
	SignUp        Action = "sign-up"
	LogIn         Action = "log-in"
	ConfirmEmail  Action = "confirm-email"  // follow a mailed confirmation link
	ResendConfirm Action = "resend-confirm" // ask for the confirmation mail again
	RequestReset  Action = "request-reset"  // ask for a password-reset link
	ResetPassword Action = "reset-password" // set a password with a reset link
	AdultConsent  Action = "adult-consent"
	// ReadingSettings keeps the reader's reading settings in a cookie.
	ReadingSettings Action = "reading-settings"
	SendFeedback    Action = "send-feedback" // mail a work's authors through the relay
	LeaveKudos      Action = "leave-kudos"   // not on one's own work: the handler and store refuse it
	StopFeedback    Action = "stop-feedback" // follow a relayed mail's signed stop link
	// SubscribeList asks to join a mailing list (a confirmation is
	// mailed: double opt-in); ConfirmList answers it by the mailed link;
	// UnsubscribeList follows a mail's signed unsubscribe link (RFC 8058
	// one-click too: the token, not a session, is the authority).
	SubscribeList   Action = "subscribe-list"
	ConfirmList     Action = "confirm-list"
	UnsubscribeList Action = "unsubscribe-list"

	PostComment Action = "post-comment" // a comment or reply; guests too (docs/comments.md)
	// UnsubscribeLink follows a notification mail's signed unsubscribe
	// link; the link names the account.
	UnsubscribeLink Action = "unsubscribe-link"

	// Any logged-in user, on their own account.
	LogOut          Action = "log-out"
	ChangePassword  Action = "change-password"
	ChangeEmail     Action = "change-email"
	AddPseud        Action = "add-pseud"
	DeleteAccount   Action = "delete-account"
	PostWork        Action = "post-work"
	ClaimWork       Action = "claim-work"       // ask to be recognised as a legacy author
	RequestTakedown Action = "request-takedown" // ask archivists to take a work down
	FeedbackSetting Action = "feedback-setting" // turn relayed feedback on or off
	Subscribe       Action = "subscribe"        // to a work, author, series or tag
	ManageInbox     Action = "manage-inbox"     // read, mark and delete one's notifications
	// NotificationSettings: how notifications are mailed, and whether
	// guests' comments on one's works wait for approval.
	NotificationSettings Action = "notification-settings"

	Bookmark       Action = "bookmark"        // bookmark a work (docs/readers.md)
	Mute           Action = "mute"            // mute tags and authors
	Block          Action = "block"           // block a user from one's works
	ReportWork     Action = "report-work"     // report a work to moderators
	ReadingHistory Action = "reading-history" // the reading history's setting, clearing it
	MarkForLater   Action = "mark-for-later"  // the later list

	// The owner: the user whose pseud it is or whose pseud a work is by.
	RenamePseud Action = "rename-pseud"
	DeletePseud Action = "delete-pseud"
	EditWork    Action = "edit-work"
	// EditBookmark edits or deletes a bookmark: its reader's alone.
	EditBookmark Action = "edit-bookmark"
	// ConfirmClaim follows a mailed claim link: its owner is the user who
	// asked for it, and only they may (not even an admin: archivists
	// assign claims instead).
	ConfirmClaim Action = "confirm-claim"
	DeleteWork   Action = "delete-work" // also admins
	// AnswerCoAuthor accepts or declines an invitation to be shown as a
	// work's co-author: its owner is the user whose pseud was invited.
	AnswerCoAuthor Action = "answer-co-author"
	// ListMembership changes one's own membership of a mailing list (its
	// delivery mode, or leaving): its owner is the account the membership
	// belongs to.
	ListMembership Action = "list-membership"
	// ModerateList decides on a list's held messages and manages its
	// members: its owners are the list's moderators; the moderator role
	// and admins moderate every list.
	ModerateList Action = "moderate-list"
	// ViewWorkHistory reads a posted work's revisions: its owners, and
	// admins.
	ViewWorkHistory Action = "view-work-history"
	// EditComment changes a comment: its owner is its writer.
	EditComment Action = "edit-comment"
	// DeleteComment: the owners of the work it is on, and moderators.
	DeleteComment Action = "delete-comment"
	// ApproveComment publishes a guest's held comment: the work's owners.
	ApproveComment Action = "approve-comment"
	// Unsubscribe deletes a subscription: its owner is its user.
	Unsubscribe Action = "unsubscribe"

	// Roles.
	AssignClaim  Action = "assign-claim"  // archivist: settle a claim
	Takedown     Action = "takedown"      // archivist: take a work down on request
	Import       Action = "import"        // archivist
	Review       Action = "review"        // archivist: the review queue's edits
	HideWork     Action = "hide-work"     // moderator
	HideComment  Action = "hide-comment"  // moderator
	HandleReport Action = "handle-report" // moderator
	WrangleTags  Action = "wrangle-tags"  // wrangler
	ViewUsers    Action = "view-users"    // admin: the users page
	RestoreWork  Action = "restore-work"  // admin: the trash of deleted works, and restoring one
	GrantRole    Action = "grant-role"    // admin: grant or revoke a role
	DisableUser  Action = "disable-user"  // admin: disable or enable an account
	ManageLists  Action = "manage-lists"  // admin: create and edit mailing lists
)

// who may do an action.
type rule struct {
	anyone bool              // anonymous readers too
	user   bool              // any logged-in user
	owner  bool              // a user among the owners given
	roles  []fanarchive.Role // users with one of these roles (admins have all)
}

// matrix is the authorisation matrix: the one statement of who may do what.
// docs/accounts.md shows it as a table; TestCan checks every cell.
var matrix = map[Action]rule{
	SignUp:          {anyone: true},
	LogIn:           {anyone: true},
	ConfirmEmail:    {anyone: true},
	ResendConfirm:   {anyone: true},
	RequestReset:    {anyone: true},
	ResetPassword:   {anyone: true},
	AdultConsent:    {anyone: true},
	ReadingSettings: {anyone: true},
	SendFeedback:    {anyone: true},
	LeaveKudos:      {anyone: true},
	StopFeedback:    {anyone: true},
	SubscribeList:   {anyone: true},
	ConfirmList:     {anyone: true},
	UnsubscribeList: {anyone: true},

	PostComment:     {anyone: true},
	UnsubscribeLink: {anyone: true},

	LogOut:          {user: true},
	ChangePassword:  {user: true},
	ChangeEmail:     {user: true},
	AddPseud:        {user: true},
	DeleteAccount:   {user: true},
	PostWork:        {user: true},
	ClaimWork:       {user: true},
	RequestTakedown: {user: true},
	FeedbackSetting: {user: true},
	Subscribe:       {user: true},
	ManageInbox:     {user: true},

	NotificationSettings: {user: true},

	Bookmark:       {user: true},
	Mute:           {user: true},
	Block:          {user: true},
	ReportWork:     {user: true},
	ReadingHistory: {user: true},
	MarkForLater:   {user: true},
	EditBookmark:   {owner: true},

	RenamePseud:  {owner: true},
	DeletePseud:  {owner: true},
	EditWork:     {owner: true},
	ConfirmClaim: {owner: true},
	DeleteWork:   {owner: true, roles: []fanarchive.Role{fanarchive.RoleAdmin}},

	AnswerCoAuthor:  {owner: true},
	ViewWorkHistory: {owner: true, roles: []fanarchive.Role{fanarchive.RoleAdmin}},
	ListMembership:  {owner: true},
	ModerateList:    {owner: true, roles: []fanarchive.Role{fanarchive.RoleModerator}},

	EditComment:    {owner: true},
	DeleteComment:  {owner: true, roles: []fanarchive.Role{fanarchive.RoleModerator}},
	ApproveComment: {owner: true},
	Unsubscribe:    {owner: true},

	AssignClaim:  {roles: []fanarchive.Role{fanarchive.RoleArchivist}},
	Takedown:     {roles: []fanarchive.Role{fanarchive.RoleArchivist}},
	Import:       {roles: []fanarchive.Role{fanarchive.RoleArchivist}},
	Review:       {roles: []fanarchive.Role{fanarchive.RoleArchivist}},
	HideWork:     {roles: []fanarchive.Role{fanarchive.RoleModerator}},
	HideComment:  {roles: []fanarchive.Role{fanarchive.RoleModerator}},
	HandleReport: {roles: []fanarchive.Role{fanarchive.RoleModerator}},
	WrangleTags:  {roles: []fanarchive.Role{fanarchive.RoleWrangler}},
	ViewUsers:    {roles: []fanarchive.Role{fanarchive.RoleAdmin}},
	RestoreWork:  {roles: []fanarchive.Role{fanarchive.RoleAdmin}},
	GrantRole:    {roles: []fanarchive.Role{fanarchive.RoleAdmin}},
	DisableUser:  {roles: []fanarchive.Role{fanarchive.RoleAdmin}},
	ManageLists:  {roles: []fanarchive.Role{fanarchive.RoleAdmin}},
}

// Actions returns every action, sorted, for tests and documentation.
func Actions() []Action {
	all := make([]Action, 0, len(matrix))
	for a := range matrix {
		all = append(all, a)
	}
	slices.Sort(all)
	return all
}

// Can reports whether u (nil: an anonymous reader) may do action to a thing
// owned by the users owners (none for a thing without owners, e.g. a role).
// A disabled user may do only what anyone may; an unknown action is
// refused.
func Can(u *fanarchive.User, action Action, owners ...int64) bool {
	r, ok := matrix[action]
	switch {
	case !ok:
		return false
	case r.anyone:
		return true
	case u == nil || u.ID == 0 || u.Disabled:
		return false
	case r.user:
		return true
	case r.owner && slices.Contains(owners, u.ID):
		return true
	}
	for _, role := range r.roles {
		if u.HasRole(role) {
			return true
		}
	}
	return false
}

// NeedsLogIn reports whether an action is refused to every anonymous reader,
// so that a page can send them to log in rather than say no.
func NeedsLogIn(action Action) bool {
	r, ok := matrix[action]
	return !ok || !r.anyone
}
