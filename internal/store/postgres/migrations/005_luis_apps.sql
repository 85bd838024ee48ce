-- LUIS application ids (issue 12): a project may carry one, so that the
-- LUIS prediction endpoint (/luis/prediction/v3.0/apps/{appId}/...) finds
-- the project by the app id a bot's URL holds. An id belongs to one project
-- and a project has at most one; it goes with the project.
CREATE TABLE luis_apps (
    app_id  text COLLATE "C" PRIMARY KEY,
    project text COLLATE "C" NOT NULL UNIQUE REFERENCES projects (name) ON DELETE CASCADE
);
