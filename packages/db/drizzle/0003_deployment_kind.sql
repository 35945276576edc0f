ALTER TABLE `deployments` ADD `kind` text DEFAULT 'deploy' NOT NULL;--> statement-breakpoint
UPDATE `deployments` SET `kind` = 'remove-all' WHERE `project_id` IS NULL AND `project_version` IS NULL;
