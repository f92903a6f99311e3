"""Agency API tokens: how a records system or a learning-management system acts for one
agency without a person's session. Created by the agency's coordinator, named, scoped,
expiring; shown once, stored only as a digest, revocable; their last use is kept."""
