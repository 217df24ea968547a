package web

import (
	"context"
	"net/http"

	"fanarchive"
	"fanarchive/internal/auth"
	"fanarchive/internal/ops"
)

// routes registers every route of the site on one ServeMux and wraps it in
// the middleware that every response goes through. Registering a pattern
// that conflicts with another panics, so a test that calls New catches it.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()

	mux.HandleFunc("GET /{$}", s.handleHome)
	mux.HandleFunc("GET /works/{id}", s.handleWork)
	mux.HandleFunc("GET /works/{id}/chapters/{n}", s.handleChapter)
	mux.HandleFunc("GET /works/{id}/source", s.handleSource)
	mux.HandleFunc("GET /works/{id}/download/{format}", s.handleDownload)
	mux.HandleFunc("GET /authors/{name...}", s.handleAuthor)
	mux.HandleFunc("GET /users/{name}", s.handleUser)
	mux.HandleFunc("GET /tags/{kind}/{name...}", s.handleTag)
	mux.HandleFunc("GET /search", s.handleSearch)
	mux.HandleFunc("GET /fandoms", s.handleFandoms)
	mux.HandleFunc("GET /feeds/works", s.handleWorksFeed)
	mux.HandleFunc("GET /feeds/tags/{kind}/{name...}", s.handleTagFeed)
	mux.HandleFunc("GET /feeds/authors/{name...}", s.handleAuthorFeed)
	mux.HandleFunc("GET /feeds/search", s.handleSearchFeed)
	mux.HandleFunc("GET /series/{id}", s.handleSeries)
	mux.HandleFunc("GET /feeds/series/{id}", s.handleSeriesFeed)
	mux.Handle("/api/v1/", s.api) // the read API registers its own routes (internal/api)
	mux.HandleFunc("GET /opds", s.handleOPDS)
	mux.HandleFunc("GET /opds/recent", s.handleOPDSRecent)
	mux.HandleFunc("GET /opds/fandoms", s.handleOPDSFandoms)
	mux.HandleFunc("GET /opds/fandoms/{name...}", s.handleOPDSFandom)
	mux.HandleFunc("GET /opds/search", s.handleOPDSSearch)
	mux.HandleFunc("GET /opds/opensearch.xml", s.handleOpenSearch)
	mux.HandleFunc("GET /settings", s.handleSettings)
	mux.HandleFunc("GET /static/{file}", s.handleStatic)
	mux.HandleFunc("GET /favicon.ico", s.handleRootFile)
	mux.HandleFunc("GET /robots.txt", s.handleRootFile)

	// Account pages (docs/accounts.md).
	mux.HandleFunc("GET /signup", s.handleSignUpForm)
	mux.HandleFunc("GET /login", s.handleLogInForm)
	mux.HandleFunc("GET /confirm/{token}", s.handleConfirmForm)
	mux.HandleFunc("GET /confirm", s.handleResendForm)
	mux.HandleFunc("GET /reset", s.handleResetRequestForm)
	mux.HandleFunc("GET /reset/{token}", s.handleResetForm)
	mux.HandleFunc("GET /account", s.handleAccount)
	mux.HandleFunc("GET /admin/users", s.handleAdminUsers)

	// Claims and takedowns (docs/accounts.md).
	mux.HandleFunc("GET /works/{id}/claim", s.handleClaimForm)
	mux.HandleFunc("GET /works/{id}/takedown", s.handleTakedownForm)
	mux.HandleFunc("GET /claims/{token}", s.handleClaimLink)
	mux.HandleFunc("GET /admin/claims", s.handleAdminClaims)
	mux.HandleFunc("GET /admin/takedowns", s.handleAdminTakedowns)
	// Posting (docs/posting.md).
	mux.HandleFunc("GET /works/new", s.handleNewWorkForm)
	mux.HandleFunc("GET /tags/suggest", s.handleTagSuggest)
	mux.HandleFunc("GET /works/{id}/edit", s.handleEditWorkForm)
	mux.HandleFunc("GET /works/{id}/delete", s.handleDeleteWorkForm)
	mux.HandleFunc("GET /works/{id}/history", s.handleWorkHistory)
	mux.HandleFunc("GET /works/{id}/chapters/new", s.handleNewChapterForm)
	mux.HandleFunc("GET /works/{id}/chapters/{cid}/edit", s.handleEditChapterForm)
	mux.HandleFunc("GET /works/{id}/chapters/order", s.handleChapterOrderForm)
	mux.HandleFunc("GET /admin/trash", s.handleTrash)

	// Feedback and kudos (docs/feedback.md).
	mux.HandleFunc("GET /works/{id}/feedback", s.handleFeedbackForm)
	mux.HandleFunc("GET /feedback/stop/{token}", s.handleFeedbackStopForm)
	// Comments, subscriptions and the inbox (docs/comments.md).
	mux.HandleFunc("GET /works/{id}/comments/{cid}", s.handleCommentPage)
	mux.HandleFunc("GET /inbox", s.handleInbox)
	mux.HandleFunc("GET /unsubscribe/{token}", s.handleUnsubscribeForm)

	// Mailing lists (docs/lists.md).
	mux.HandleFunc("GET /lists", s.handleLists)
	mux.HandleFunc("GET /lists/{name}", s.handleListAbout)
	mux.HandleFunc("GET /lists/{name}/confirm/{secret}", s.handleListConfirmForm)
	mux.HandleFunc("GET /lists/{name}/unsubscribe", s.handleListUnsubscribeForm)
	mux.HandleFunc("GET /lists/{name}/archive", s.handleListArchive)
	mux.HandleFunc("GET /lists/{name}/archive/{month}", s.handleListMonth)
	mux.HandleFunc("GET /lists/{name}/threads/{id}", s.handleListThread)
	mux.HandleFunc("GET /lists/{name}/messages/{id}", s.handleListMessage)
	mux.HandleFunc("GET /lists/{name}/moderation", s.handleListModeration)
	mux.HandleFunc("GET /lists/{name}/members", s.handleListMembers)
	mux.HandleFunc("GET /account/lists", s.handleAccountLists)
	mux.HandleFunc("GET /admin/lists", s.handleAdminLists)
	mux.HandleFunc("GET /admin/lists/new", s.handleNewListForm)
	mux.HandleFunc("GET /admin/lists/{name}/edit", s.handleEditListForm)

	// Readers: bookmarks, mutes and blocks, reports, history, later
	// (docs/readers.md).
	mux.HandleFunc("GET /works/{id}/bookmark", s.handleBookmarkForm)
	mux.HandleFunc("GET /works/{id}/bookmarks", s.handleWorkBookmarks)
	mux.HandleFunc("GET /users/{name}/bookmarks", s.handleUserBookmarks)
	mux.HandleFunc("GET /account/mutes", s.handleMutes)
	mux.HandleFunc("GET /works/{id}/report", s.handleReportForm)
	mux.HandleFunc("GET /admin/reports", s.handleAdminReports)
	mux.HandleFunc("GET /account/history", s.handleHistory)
	mux.HandleFunc("GET /account/later", s.handleLater)

	// State-changing requests: each is checked, in post (guard.go), against
	// cross-origin requests, the session's CSRF token and the
	// authorisation matrix (internal/auth) for its action.
	s.csrf = http.NewCrossOriginProtection()
	s.csrf.SetDenyHandler(http.HandlerFunc(s.handleCrossOrigin))
	s.post(mux, "POST /adult-consent", auth.AdultConsent, nil, s.handleAdultConsent)
	s.post(mux, "POST /settings", auth.ReadingSettings, nil, s.handleSaveSettings)
	s.post(mux, "POST /signup", auth.SignUp, nil, s.handleSignUp)
	s.post(mux, "POST /login", auth.LogIn, nil, s.handleLogIn)
	s.post(mux, "POST /logout", auth.LogOut, nil, s.handleLogOut)
	s.post(mux, "POST /confirm/{token}", auth.ConfirmEmail, nil, s.handleConfirm)
	s.post(mux, "POST /confirm", auth.ResendConfirm, nil, s.handleResend)
	s.post(mux, "POST /reset", auth.RequestReset, nil, s.handleResetRequest)
	s.post(mux, "POST /reset/{token}", auth.ResetPassword, nil, s.handleReset)
	s.post(mux, "POST /account/password", auth.ChangePassword, nil, s.handleChangePassword)
	s.post(mux, "POST /account/email", auth.ChangeEmail, nil, s.handleChangeEmail)
	s.post(mux, "POST /account/pseuds", auth.AddPseud, nil, s.handleAddPseud)
	s.post(mux, "POST /account/pseuds/{id}/rename", auth.RenamePseud, s.pseudOwner, s.handleRenamePseud)
	s.post(mux, "POST /account/pseuds/{id}/delete", auth.DeletePseud, s.pseudOwner, s.handleDeletePseud)
	s.post(mux, "POST /account/delete", auth.DeleteAccount, nil, s.handleDeleteAccount)
	s.post(mux, "POST /admin/users/{id}/roles", auth.GrantRole, nil, s.handleSetRole)
	s.post(mux, "POST /admin/users/{id}/disable", auth.DisableUser, nil, s.handleDisableUser)
	s.post(mux, "POST /works/{id}/claim", auth.ClaimWork, nil, s.handleClaim)
	s.post(mux, "POST /works/{id}/takedown", auth.RequestTakedown, nil, s.handleRequestTakedown)
	s.post(mux, "POST /claims/{token}", auth.ConfirmClaim, s.claimLinkOwner, s.handleConfirmClaim)
	s.post(mux, "POST /admin/claims/assign", auth.AssignClaim, nil, s.handleAssignWork)
	s.post(mux, "POST /admin/claims/{id}/assign", auth.AssignClaim, nil, s.handleAssignClaim)
	s.post(mux, "POST /admin/claims/{id}/reject", auth.AssignClaim, nil, s.handleRejectClaim)
	s.post(mux, "POST /admin/takedowns/{id}/takedown", auth.Takedown, nil, s.handleTakeDown)
	s.post(mux, "POST /admin/takedowns/{id}/dismiss", auth.Takedown, nil, s.handleDismissTakedown)
	s.postSized(mux, "POST /works/new", auth.PostWork, nil, maxWorkFormBytes, s.handleNewWork)
	s.postSized(mux, "POST /works/{id}/edit", auth.EditWork, s.workOwners, maxWorkFormBytes, s.handleEditWork)
	s.post(mux, "POST /works/{id}/publish", auth.EditWork, s.workOwners, s.handlePublishWork)
	s.post(mux, "POST /works/{id}/delete", auth.DeleteWork, s.workOwners, s.handleDeleteWork)
	s.postSized(mux, "POST /works/{id}/chapters/new", auth.EditWork, s.workOwners, maxWorkFormBytes, s.handleNewChapter)
	s.postSized(mux, "POST /works/{id}/chapters/{cid}/edit", auth.EditWork, s.workOwners, maxWorkFormBytes, s.handleEditChapter)
	s.post(mux, "POST /works/{id}/chapters/{cid}/delete", auth.EditWork, s.workOwners, s.handleDeleteChapter)
	s.post(mux, "POST /works/{id}/chapters/order", auth.EditWork, s.workOwners, s.handleChapterOrder)
	s.post(mux, "POST /account/invitations/{work}/{pseud}", auth.AnswerCoAuthor, s.invitedPseudOwner, s.handleAnswerInvitation)
	s.post(mux, "POST /admin/trash/{id}/restore", auth.RestoreWork, nil, s.handleRestoreWork)
	s.post(mux, "POST /works/{id}/feedback", auth.SendFeedback, nil, s.handleSendFeedback)
	s.post(mux, "POST /works/{id}/kudos", auth.LeaveKudos, nil, s.handleKudos)
	s.post(mux, "POST /feedback/stop/{token}", auth.StopFeedback, nil, s.handleFeedbackStop)
	s.post(mux, "POST /account/feedback", auth.FeedbackSetting, nil, s.handleFeedbackSetting)
	s.post(mux, "POST /lists/{name}/subscribe", auth.SubscribeList, nil, s.handleListSubscribe)
	s.post(mux, "POST /lists/{name}/confirm/{secret}", auth.ConfirmList, nil, s.handleListConfirm)
	// RFC 8058 one-click: mail providers post without cookie or form
	// token; the signed token in the request is the authority.
	s.postTokenless(mux, "POST /lists/{name}/unsubscribe", auth.UnsubscribeList, s.handleListUnsubscribe)
	s.post(mux, "POST /lists/{name}/moderation/{id}", auth.ModerateList, s.listModerators, s.handleModerateMessage)
	s.post(mux, "POST /lists/{name}/members/{id}", auth.ModerateList, s.listModerators, s.handleMemberAction)
	s.post(mux, "POST /account/lists/{id}", auth.ListMembership, s.membershipOwner, s.handleAccountListChange)
	s.post(mux, "POST /admin/lists", auth.ManageLists, nil, s.handleCreateList)
	s.post(mux, "POST /admin/lists/{name}/edit", auth.ManageLists, nil, s.handleUpdateList)

	s.post(mux, "POST /works/{id}/comments", auth.PostComment, nil, s.handlePostComment)
	s.post(mux, "POST /comments/{id}/edit", auth.EditComment, s.commentWriter, s.handleEditComment)
	s.post(mux, "POST /comments/{id}/delete", auth.DeleteComment, s.commentWorkOwners, s.handleDeleteComment)
	s.post(mux, "POST /comments/{id}/approve", auth.ApproveComment, s.commentWorkOwners, s.handleApproveComment)
	s.post(mux, "POST /subscriptions", auth.Subscribe, nil, s.handleSubscribe)
	s.post(mux, "POST /subscriptions/{id}/delete", auth.Unsubscribe, s.subscriptionOwner, s.handleUnsubscribe)
	s.post(mux, "POST /unsubscribe/{token}", auth.UnsubscribeLink, nil, s.handleUnsubscribeLink)
	s.post(mux, "POST /inbox", auth.ManageInbox, nil, s.handleInboxAction)
	s.post(mux, "POST /account/notifications", auth.NotificationSettings, nil, s.handleNotificationSettings)

	s.post(mux, "POST /works/{id}/bookmark", auth.Bookmark, nil, s.handleSaveBookmark)
	s.post(mux, "POST /bookmarks/{id}/delete", auth.EditBookmark, s.bookmarkOwner, s.handleDeleteBookmark)
	s.post(mux, "POST /account/mutes/tags", auth.Mute, nil, s.handleMuteTag)
	s.post(mux, "POST /account/mutes/tags/{id}/delete", auth.Mute, nil, s.handleUnmuteTag)
	s.post(mux, "POST /account/mutes/authors", auth.Mute, nil, s.handleMuteAuthor)
	s.post(mux, "POST /account/mutes/authors/{id}/delete", auth.Mute, nil, s.handleUnmuteAuthor)
	s.post(mux, "POST /account/blocks", auth.Block, nil, s.handleBlock)
	s.post(mux, "POST /account/blocks/{id}/delete", auth.Block, nil, s.handleUnblock)
	s.post(mux, "POST /works/{id}/report", auth.ReportWork, nil, s.handleReportWork)
	s.post(mux, "POST /admin/reports/{id}/resolve", auth.HandleReport, nil, s.handleResolveReport)
	s.post(mux, "POST /account/history", auth.ReadingHistory, nil, s.handleHistorySetting)
	s.post(mux, "POST /account/history/clear", auth.ReadingHistory, nil, s.handleClearHistory)
	s.post(mux, "POST /works/{id}/later", auth.MarkForLater, nil, s.handleMarkForLater)

	// Anything else, including other methods on known paths, is not here.
	mux.HandleFunc("/", s.handleNotFound)

	s.mux = mux
	site := s.logRequests(s.recoverPanics(securityHeaders(s.cachePages(compressResponses(s.wellFormedQueries(s.loadSession(mux)))))))

	// Liveness and readiness for load balancers and orchestrators: outside
	// the site's middleware, so they are never cached, compressed or
	// logged (they are asked every few seconds).
	top := http.NewServeMux()
	top.HandleFunc("GET /healthz", ops.Healthz)
	top.Handle("GET /readyz", ops.Readyz(func(ctx context.Context) error {
		_, _, err := s.store.FindWorks(ctx, fanarchive.WorkFilter{Limit: 1}) // the store answers a read
		return err
	}))
	top.Handle("/", site)
	return top
}
