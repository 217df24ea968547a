package auth

import (
	"strings"
	"testing"

	"fanarchive"
)

// TestCan checks every cell of the authorisation matrix: each action for an
// anonymous reader, a logged-in user who does not own the thing, its owner,
// each role (not owning it) and a disabled owner. A row lists who may.
func TestCan(t *testing.T) {
	const ownerID = 7
	people := map[string]*fanarchive.User{
		"anonymous": nil,
		"user":      {ID: 1, Roles: []fanarchive.Role{}},
		"owner":     {ID: ownerID},
		"moderator": {ID: 2, Roles: []fanarchive.Role{fanarchive.RoleModerator}},
		"archivist": {ID: 3, Roles: []fanarchive.Role{fanarchive.RoleArchivist}},
		"wrangler":  {ID: 4, Roles: []fanarchive.Role{fanarchive.RoleWrangler}},
		"admin":     {ID: 5, Roles: []fanarchive.Role{fanarchive.RoleAdmin}},
		"disabled":  {ID: ownerID, Disabled: true, Roles: []fanarchive.Role{fanarchive.RoleAdmin}},
	}
	everyone := "anonymous user owner moderator archivist wrangler admin disabled"
	users := "user owner moderator archivist wrangler admin"
	rows := map[Action]string{
		SignUp: everyone, LogIn: everyone, ConfirmEmail: everyone, ResendConfirm: everyone,
		RequestReset: everyone, ResetPassword: everyone, AdultConsent: everyone,
		ReadingSettings: everyone,
		SendFeedback:    everyone, LeaveKudos: everyone, StopFeedback: everyone,
		SubscribeList: everyone, ConfirmList: everyone, UnsubscribeList: everyone,

		PostComment: everyone, UnsubscribeLink: everyone,
		Subscribe: users, ManageInbox: users, NotificationSettings: users,
		EditComment: "owner", DeleteComment: "owner moderator admin", ApproveComment: "owner", Unsubscribe: "owner",

		LogOut: users, ChangePassword: users, ChangeEmail: users, AddPseud: users,
		DeleteAccount: users, PostWork: users, ClaimWork: users, RequestTakedown: users, FeedbackSetting: users,
		Bookmark: users, Mute: users, Block: users, ReportWork: users, ReadingHistory: users, MarkForLater: users,
		EditBookmark: "owner",

		RenamePseud: "owner", DeletePseud: "owner", EditWork: "owner", ConfirmClaim: "owner", DeleteWork: "owner admin",
		AnswerCoAuthor: "owner", ViewWorkHistory: "owner admin",
		ListMembership: "owner", ModerateList: "owner moderator admin",

		AssignClaim: "archivist admin", Takedown: "archivist admin", Import: "archivist admin", Review: "archivist admin",
		HideWork: "moderator admin", HideComment: "moderator admin", HandleReport: "moderator admin",
		WrangleTags: "wrangler admin",
		ViewUsers:   "admin", GrantRole: "admin", DisableUser: "admin", RestoreWork: "admin",
		ManageLists: "admin",
	}
	if len(rows) != len(Actions()) {
		t.Fatalf("the table has %d actions, the matrix %d: add a row for each new action", len(rows), len(Actions()))
	}
	for _, action := range Actions() {
		allowed, ok := rows[action]
		if !ok {
			t.Errorf("no row for action %q", action)
			continue
		}
		for who, u := range people {
			want := strings.Contains(" "+allowed+" ", " "+who+" ")
			if got := Can(u, action, ownerID); got != want {
				t.Errorf("Can(%s, %s) = %v, want %v", who, action, got, want)
			}
		}
	}
	if Can(people["admin"], "no-such-action") {
		t.Error("an unknown action is allowed")
	}
	// An owner-only action with no owners given is refused to everyone.
	if Can(people["owner"], EditWork) {
		t.Error("EditWork allowed without owners")
	}
	// Co-authored things: any of the owners.
	if !Can(people["user"], EditWork, 9, 1) {
		t.Error("a co-owner may not edit")
	}
}
