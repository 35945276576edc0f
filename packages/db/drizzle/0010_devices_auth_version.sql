-- What a broker must react to in `devices` (a device registered, deregistered, or its secret
-- rotated) counts up `settings.devices_auth_version`, so that a broker polls one row instead of
-- re-reading every device whenever another process writes anything (a cluster node's presence).
INSERT OR IGNORE INTO `settings` (`key`, `value`) VALUES ('devices_auth_version', '0');--> statement-breakpoint
CREATE TRIGGER `devices_auth_inserted` AFTER INSERT ON `devices` BEGIN
  UPDATE `settings` SET `value` = CAST(`value` AS INTEGER) + 1 WHERE `key` = 'devices_auth_version';
END;--> statement-breakpoint
CREATE TRIGGER `devices_auth_deleted` AFTER DELETE ON `devices` BEGIN
  UPDATE `settings` SET `value` = CAST(`value` AS INTEGER) + 1 WHERE `key` = 'devices_auth_version';
END;--> statement-breakpoint
CREATE TRIGGER `devices_auth_rotated` AFTER UPDATE OF `secret_hash` ON `devices` WHEN OLD.`secret_hash` IS NOT NEW.`secret_hash` BEGIN
  UPDATE `settings` SET `value` = CAST(`value` AS INTEGER) + 1 WHERE `key` = 'devices_auth_version';
END;
