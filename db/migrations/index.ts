import type { Migration } from "kysely";
import * as foundation from "./0001_foundation";
import * as actions from "./0002_actions";
import * as documents from "./0003_documents";
import * as reportsAndSearch from "./0004_reports_and_search";
import * as assessmentCounts from "./0005_assessment_counts";
import * as domainEvents from "./0006_domain_events";
import * as documentQuarantine from "./0007_document_quarantine";
import * as periodTrueFollowUps from "./0008_period_true_followups";
import * as rollupThreshold from "./0009_rollup_threshold";
import * as identityProviders from "./0010_identity_providers";
import * as passwordChanges from "./0011_password_changes";
import * as documentFrontMatter from "./0012_document_front_matter";
import * as overviewVisits from "./0013_overview_visits";
import * as actionListIndexes from "./0014_action_list_indexes";
import * as notifications from "./0015_notifications";
import * as remindersAndLinks from "./0016_reminders_and_links";
import * as documentComments from "./0017_document_comments";
import * as webhooks from "./0019_webhooks";
import * as socketIoAttachments from "./0020_socket_io_attachments";
import * as documentListIndex from "./0021_document_list_index";
import * as archiving from "./0022_archiving";
import * as listIndexes from "./0026_list_indexes";
import * as mailRetries from "./0027_mail_retries";
import * as periodAssessmentIndex from "./0028_period_assessment_index";
import * as suggestionsBesideText from "./0029_suggestions_beside_text";
import * as organisationDataVersions from "./0030_organisation_data_versions";

/** Listed statically so migrations run the same from source, a bundle or a test. Never edit a landed one. */
export const migrations: Record<string, Migration> = {
  "0001_foundation": foundation,
  "0002_actions": actions,
  "0003_documents": documents,
  "0004_reports_and_search": reportsAndSearch,
  "0005_assessment_counts": assessmentCounts,
  "0006_domain_events": domainEvents,
  "0007_document_quarantine": documentQuarantine,
  "0008_period_true_followups": periodTrueFollowUps,
  "0009_rollup_threshold": rollupThreshold,
  "0010_identity_providers": identityProviders,
  "0011_password_changes": passwordChanges,
  "0012_document_front_matter": documentFrontMatter,
  "0013_overview_visits": overviewVisits,
  "0014_action_list_indexes": actionListIndexes,
  "0015_notifications": notifications,
  "0016_reminders_and_links": remindersAndLinks,
  "0017_document_comments": documentComments,
  "0019_webhooks": webhooks,
  "0020_socket_io_attachments": socketIoAttachments,
  "0021_document_list_index": documentListIndex,
  "0022_archiving": archiving,
  "0026_list_indexes": listIndexes,
  "0027_mail_retries": mailRetries,
  "0028_period_assessment_index": periodAssessmentIndex,
  "0029_suggestions_beside_text": suggestionsBesideText,
  "0030_organisation_data_versions": organisationDataVersions,
};
