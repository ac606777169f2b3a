/**
 * The grammars of the built-in commands. The grammar notation and each command's syntax are
 * those of the SingleStoreDB Python SDK (singlestoredb 1.18.1), so that statements, `params`
 * and SHOW FUSION COMMANDS agree with it (the tests compare every syntax text); the help texts
 * are this package's own.
 */

export interface BuiltinGrammar {
  grammar: string;
  family: 'registry' | 'workspace' | 'cluster' | 'stage' | 'files' | 'job' | 'models' | 'export';
  hidden?: boolean;
  preview?: boolean;
  deprecatedBy?: string;
}

const help = (text: string) => `\nDescription\n-----------\n${text}\n`;

/** Table, catalog, link, partitioning and sort rules of the export commands. */
const EXPORT_RULES = `from_table = FROM <table>

_col_transform = { VOID | IDENTITY | YEAR | MONTH | DAY | HOUR } ( _transform_col )
_transform_col = <column>
_arg_transform = { BUCKET | TRUNCATE } ( _transform_col <comma> _transform_arg )
_transform_arg = <integer>
transform = { _col_transform | _arg_transform }

partition_by = PARTITION BY partition_key,...
partition_key = transform

order_by = ORDER BY sort_key,...
sort_key = transform [ direction ] [ null_order ]
direction = { ASC | DESC | ASCENDING | DESCENDING }
null_order = { NULLS_FIRST | NULLS_LAST }

properties = PROPERTIES '<json>'

catalog = CATALOG [ _catalog_config ] [ _catalog_creds ]
_catalog_config = CONFIG '<catalog-config>'
_catalog_creds = CREDENTIALS '<catalog-creds>'

storage = LINK [ _link_config ] [ _link_creds ]
_link_config = S3 CONFIG '<link-config>'
_link_creds = CREDENTIALS '<link-creds>'
`;

/** IN GROUP / IN: the deployment whose Stage a command works on. */
const STAGE_IN = `in = { in_group | in_deployment }
in_group = IN GROUP { group_id | group_name }
in_deployment = IN { deployment_id | deployment_name }

deployment_id = ID '<deployment-id>'

deployment_name = '<deployment-name>'

group_id = ID '<group-id>'

group_name = '<group-name>'
`;

/** A workspace by ID or name. */
const WORKSPACE_REF = `workspace = { workspace_id | workspace_name }

workspace_id = ID '<workspace-id>'

workspace_name = '<workspace-name>'
`;

/** IN GROUP: a workspace group by ID or name. */
const IN_GROUP = `in_group = IN GROUP { group_id | group_name }

group_id = ID '<group-id>'

group_name = '<group-name>'
`;

/** A cluster by ID or name. */
const CLUSTER_REF = `cluster = { cluster_id | cluster_name }

cluster_id = ID '<cluster-id>'

cluster_name = '<cluster-name>'
`;

/** The personal and shared file-space commands differ only in the space's name. */
type Space = 'PERSONAL' | 'SHARED';

const filesCreateFolder = (space: Space) => `
CREATE ${space} FOLDER path
    [ overwrite ];

path = '<path>'

overwrite = OVERWRITE
`;

const filesDownloadFile = (space: Space) => `
DOWNLOAD ${space} FILE path
    [ local_path ]
    [ overwrite ]
    [ encoding ];

path = '<path>'

local_path = TO '<local-path>'

overwrite = OVERWRITE

encoding = ENCODING '<encoding>'
`;

const filesDrop = (space: Space) => `
DROP ${space} <file-type> path
    [ recursive ];

path = '<path>'

recursive = RECURSIVE
`;

const filesShowFiles = (space: Space) => `
SHOW ${space} FILES
    [ at_path ] [ <like> ]
    [ <order-by> ]
    [ <limit> ] [ recursive ] [ extended ];

at_path = AT '<path>'

recursive = RECURSIVE

extended = EXTENDED
`;

const filesUploadFileTo = (space: Space) => `
UPLOAD ${space} FILE TO path
    FROM local_path [ overwrite ];

path = '<filename>'

local_path = '<local-path>'

overwrite = OVERWRITE
`;

export const BUILTIN_GRAMMARS: Readonly<Record<string, BuiltinGrammar>> = {
  'CREATE CLUSTER': {
    family: 'cluster',
    grammar:
      `
CREATE CLUSTER [ if_not_exists ] cluster_name
    in_region
    [ using_provider ]
    [ in_project ]
    [ with_size ]
    [ using_scale_factor ]
    [ auto_suspend ]
    [ enable_kai ]
    [ with_cache_config ]
    [ with_firewall_ranges ]
    [ allow_all_traffic ]
    [ with_update_window ]
    [ expires_at ]
    [ wait_on_active ]
;

if_not_exists = IF NOT EXISTS

cluster_name = '<cluster-name>'

in_region = IN REGION region_name
region_name = '<region-name>'

using_provider = USING PROVIDER '<provider>'

in_project = IN PROJECT { project_id | project_name }
project_id = ID '<project-id>'
project_name = '<project-name>'

with_size = WITH SIZE '<size>'

using_scale_factor = USING SCALE FACTOR <number>

auto_suspend = AUTO SUSPEND AFTER suspend_after_value suspend_after_units suspend_type
suspend_after_value = <integer>
suspend_after_units = { SECONDS | MINUTES | HOURS | DAYS }
suspend_type = WITH TYPE { IDLE | SCHEDULED | DISABLED }

enable_kai = ENABLE KAI

with_cache_config = WITH CACHE CONFIG <integer>

with_firewall_ranges = WITH FIREWALL RANGES '<ip-range>',...

allow_all_traffic = ALLOW ALL TRAFFIC

with_update_window = WITH UPDATE WINDOW '<day>:<hour>'

expires_at = EXPIRES AT '<iso-datetime-or-interval>'

wait_on_active = WAIT ON ACTIVE
` + help('Creates a cluster (management API v2).'),
  },
  'CREATE CLUSTER IDENTITY': {
    family: 'export',
    hidden: true,
    grammar:
      `
CREATE CLUSTER IDENTITY
    catalog
    storage
;

catalog = CATALOG { _catalog_config | _catalog_creds }
_catalog_config = CONFIG '<catalog-config>'
_catalog_creds = CREDENTIALS '<catalog-creds>'

storage = LINK { _link_config | _link_creds }
_link_config = S3 CONFIG '<link-config>'
_link_creds = CREDENTIALS '<link-creds>'
` + help('Creates the identity a cluster uses to write table exports.'),
  },
  'CREATE PERSONAL FOLDER': {
    family: 'files',
    grammar: filesCreateFolder('PERSONAL') + help('Creates a folder in the personal file space.'),
  },
  'CREATE SHARED FOLDER': {
    family: 'files',
    grammar: filesCreateFolder('SHARED') + help('Creates a folder in the shared file space.'),
  },
  'CREATE STAGE FOLDER': {
    family: 'stage',
    grammar:
      `
CREATE STAGE FOLDER stage_path
    [ in ]
    [ overwrite ];

${STAGE_IN}
stage_path = '<stage-path>'

overwrite = OVERWRITE
` + help('Creates a folder in Stage.'),
  },
  'CREATE STARTER CLUSTER': {
    family: 'cluster',
    grammar:
      `
CREATE STARTER CLUSTER [ if_not_exists ] cluster_name
    with_database
    in_region
    using_provider
;

if_not_exists = IF NOT EXISTS

cluster_name = '<cluster-name>'

with_database = WITH DATABASE '<database-name>'

in_region = IN REGION '<region-name>'

using_provider = USING PROVIDER '<provider>'
` + help('Creates a starter (shared-tier) cluster.'),
  },
  'CREATE WORKSPACE': {
    family: 'workspace',
    deprecatedBy: 'CREATE CLUSTER',
    grammar:
      `
CREATE WORKSPACE [ if_not_exists ] workspace_name
    [ in_group ]
    WITH SIZE size
    [ auto_suspend ]
    [ enable_kai ]
    [ with_cache_config ]
    [ wait_on_active ];

in_group = IN GROUP { group_id | group_name }

if_not_exists = IF NOT EXISTS

workspace_name = '<workspace-name>'

group_id = ID '<group-id>'

group_name = '<group-name>'

size = '<size>'

auto_suspend = AUTO SUSPEND AFTER suspend_after_value suspend_after_units suspend_type
suspend_after_value = <integer>
suspend_after_units = { SECONDS | MINUTES | HOURS | DAYS }
suspend_type = WITH TYPE { IDLE | SCHEDULED | DISABLED }

enable_kai = ENABLE KAI

with_cache_config = WITH CACHE CONFIG <integer>

wait_on_active = WAIT ON ACTIVE
` + help('Creates a workspace in a workspace group (deprecated: use CREATE CLUSTER).'),
  },
  'CREATE WORKSPACE GROUP': {
    family: 'workspace',
    deprecatedBy: 'CREATE CLUSTER',
    grammar:
      `
CREATE WORKSPACE GROUP [ if_not_exists ] group_name
    IN REGION { region_id | region_name }
    [ with_password ]
    [ expires_at ]
    [ with_firewall_ranges ]
    [ with_backup_bucket_kms_key_id ]
    [ with_data_bucket_kms_key_id ]
    [ with_smart_dr ]
    [ allow_all_traffic ]
    [ with_update_window ]
;

if_not_exists = IF NOT EXISTS

group_name = '<group-name>'

region_id = ID '<region-id>'

region_name = '<region-name>'

with_password = WITH PASSWORD '<password>'

expires_at = EXPIRES AT '<iso-datetime-or-interval>'

with_firewall_ranges = WITH FIREWALL RANGES '<ip-range>',...

with_backup_bucket_kms_key_id = WITH BACKUP BUCKET KMS KEY ID '<key-id>'

with_data_bucket_kms_key_id = WITH DATA BUCKET KMS KEY ID '<key-id>'

with_smart_dr = WITH SMART DR

allow_all_traffic = ALLOW ALL TRAFFIC

with_update_window = WITH UPDATE WINDOW '<day>:<hour>'
` + help('Creates a workspace group (deprecated: use CREATE CLUSTER).'),
  },
  'DOWNLOAD CUSTOM MODEL': {
    family: 'models',
    hidden: true,
    grammar:
      `
DOWNLOAD CUSTOM MODEL model_name
    [ local_path ]
    [ overwrite ];

model_name = '<model-name>'

local_path = TO '<local-path>'

overwrite = OVERWRITE
` + help('Downloads a custom model folder to a local directory.'),
  },
  'DOWNLOAD PERSONAL FILE': {
    family: 'files',
    grammar: filesDownloadFile('PERSONAL') + help('Downloads a file of the personal file space.'),
  },
  'DOWNLOAD SHARED FILE': {
    family: 'files',
    grammar: filesDownloadFile('SHARED') + help('Downloads a file of the shared file space.'),
  },
  'DOWNLOAD STAGE FILE': {
    family: 'stage',
    grammar:
      `
DOWNLOAD STAGE FILE stage_path
    [ in ]
    [ local_path ]
    [ overwrite ]
    [ encoding ];

stage_path = '<stage-path>'

${STAGE_IN}
local_path = TO '<local-path>'

overwrite = OVERWRITE

encoding = ENCODING '<encoding>'
` + help('Downloads a file from Stage.'),
  },
  'DROP CLUSTER': {
    family: 'cluster',
    grammar:
      `
DROP CLUSTER [ if_exists ]
    cluster
    [ wait_on_terminated ];

if_exists = IF EXISTS

${CLUSTER_REF}
wait_on_terminated = WAIT ON TERMINATED
` + help('Terminates a cluster.'),
  },
  'DROP CUSTOM MODEL': {
    family: 'models',
    hidden: true,
    grammar:
      `
DROP CUSTOM MODEL model_name;

model_name = '<model-name>'
` + help('Deletes a custom model folder.'),
  },
  'DROP EXPORT': {
    family: 'export',
    hidden: true,
    grammar:
      `
DROP EXPORT export_id;

export_id = '<export-id>'
` + help('Drops a table export.'),
  },
  'DROP JOBS': {
    family: 'job',
    grammar:
      `
DROP JOBS job_ids;

job_ids = '<job-id>',...
` + help('Deletes scheduled jobs.'),
  },
  'DROP MODEL': {
    family: 'models',
    hidden: true,
    grammar:
      `
DROP MODEL model_name ;

model_name = '<model-name>'
` + help('Deletes a model of the inference API.'),
  },
  'DROP PERSONAL': {
    family: 'files',
    grammar: filesDrop('PERSONAL') + help('Deletes a file or folder of the personal file space.'),
  },
  'DROP SHARED': {
    family: 'files',
    grammar: filesDrop('SHARED') + help('Deletes a file or folder of the shared file space.'),
  },
  'DROP STAGE FILE': {
    family: 'stage',
    grammar:
      `
DROP STAGE FILE stage_path
    [ in ];

stage_path = '<stage-path>'

${STAGE_IN}` + help('Deletes a file from Stage.'),
  },
  'DROP STAGE FOLDER': {
    family: 'stage',
    grammar:
      `
DROP STAGE FOLDER stage_path
    [ in ]
    [ recursive ];

stage_path = '<stage-path>'

${STAGE_IN}
recursive = RECURSIVE
` + help('Deletes a folder from Stage.'),
  },
  'DROP STARTER CLUSTER': {
    family: 'cluster',
    grammar:
      `
DROP STARTER CLUSTER [ if_exists ] cluster;

if_exists = IF EXISTS

${CLUSTER_REF}` + help('Deletes a starter cluster.'),
  },
  'DROP WORKSPACE': {
    family: 'workspace',
    grammar:
      `
DROP WORKSPACE [ if_exists ]
    workspace
    [ in_group ]
    [ wait_on_terminated ];

if_exists = IF EXISTS

${WORKSPACE_REF}
${IN_GROUP}
wait_on_terminated = WAIT ON TERMINATED
` + help('Terminates a workspace.'),
  },
  'DROP WORKSPACE GROUP': {
    family: 'workspace',
    grammar:
      `
DROP WORKSPACE GROUP [ if_exists ]
    group
    [ wait_on_terminated ]
    [ force ];

if_exists = IF EXISTS

group = { group_id | group_name }

group_id = ID '<group-id>'

group_name = '<group-name>'

wait_on_terminated = WAIT ON TERMINATED

force = FORCE
` + help('Terminates a workspace group.'),
  },
  'RESUME CLUSTER': {
    family: 'cluster',
    grammar:
      `
RESUME CLUSTER cluster
    [ disable_auto_suspend ]
    [ wait_on_resumed ];

${CLUSTER_REF}
disable_auto_suspend = DISABLE AUTO SUSPEND

wait_on_resumed = WAIT ON RESUMED
` + help('Resumes a suspended cluster.'),
  },
  'RESUME EXPORT': {
    family: 'export',
    hidden: true,
    grammar:
      `
RESUME EXPORT export_id;

export_id = '<export-id>'
` + help('Resumes a suspended table export.'),
  },
  'RESUME WORKSPACE': {
    family: 'workspace',
    grammar:
      `
RESUME WORKSPACE workspace
    [ in_group ]
    [ disable_auto_suspend ]
    [ wait_on_resumed ];

${WORKSPACE_REF}
${IN_GROUP}
disable_auto_suspend = DISABLE AUTO SUSPEND

wait_on_resumed = WAIT ON RESUMED
` + help('Resumes a suspended workspace.'),
  },
  'RUN JOB USING NOTEBOOK': {
    family: 'job',
    grammar:
      `
RUN JOB USING NOTEBOOK notebook_path
    [ with_runtime ]
    [ with_parameters ]
;

notebook_path = '<notebook-path>'

with_runtime = WITH RUNTIME '<runtime-name>'

with_parameters = WITH PARAMETERS <json>
` + help('Runs a notebook once, now, as a job.'),
  },
  'SCHEDULE JOB USING NOTEBOOK': {
    family: 'job',
    preview: true,
    grammar:
      `
SCHEDULE JOB USING NOTEBOOK notebook_path
    with_mode
    [ create_snapshot ]
    [ with_runtime ]
    [ with_name ]
    [ with_description ]
    [ execute_every ]
    [ start_at ]
    [ resume_target ]
    [ with_parameters ]
;

notebook_path = '<notebook-path>'

with_mode = WITH MODE '<mode>'

create_snapshot = CREATE SNAPSHOT

with_runtime = WITH RUNTIME '<runtime-name>'

with_name = WITH NAME '<job-name>'

with_description = WITH DESCRIPTION '<job-description>'

execute_every = EXECUTE EVERY interval time_unit
interval = <integer>
time_unit = { MINUTES | HOURS | DAYS }

start_at = START AT '<year>-<month>-<day> <hour>:<min>:<sec>'

resume_target = RESUME TARGET

with_parameters = WITH PARAMETERS <json>
` + help('Schedules a notebook to run as a job.'),
  },
  'SHOW CLUSTER REGIONS': {
    family: 'cluster',
    grammar:
      `
SHOW CLUSTER REGIONS [ <like> ]
    [ <order-by> ]
    [ <limit> ];
` + help('Lists the regions where clusters can be created.'),
  },
  'SHOW CLUSTERS': {
    family: 'cluster',
    grammar:
      `
SHOW CLUSTERS [ <like> ]
    [ <extended> ] [ <order-by> ]
    [ <limit> ];
` + help('Lists the clusters of the organization.'),
  },
  'SHOW CUSTOM MODELS': {
    family: 'models',
    hidden: true,
    grammar:
      `
SHOW CUSTOM MODELS
    [ at_path ] [ <like> ]
    [ <order-by> ]
    [ <limit> ] [ recursive ] [ extended ];

at_path = AT '<path>'

recursive = RECURSIVE

extended = EXTENDED
` + help('Lists the files of the custom models space.'),
  },
  'SHOW EXPORT': {
    family: 'export',
    hidden: true,
    grammar:
      `
SHOW EXPORT export_id;

export_id = '<export-id>'
` + help('Shows the status of a table export.'),
  },
  'SHOW EXPORTS': {
    family: 'export',
    hidden: true,
    grammar:
      `
SHOW EXPORTS [ scope ];

scope = FOR '<scope>'
` + help('Lists table exports.'),
  },
  'SHOW FUSION COMMANDS': {
    family: 'registry',
    grammar:
      `
SHOW FUSION COMMANDS [ like ];

like = LIKE '<pattern>'
` + help('Lists the Fusion SQL commands and their syntax.'),
  },
  'SHOW FUSION GRAMMAR': {
    family: 'registry',
    grammar:
      `
SHOW FUSION GRAMMAR for_query;

for_query = FOR '<query>'
` + help('Shows the grammar of the command a statement would run.'),
  },
  'SHOW FUSION HELP': {
    family: 'registry',
    grammar:
      `
SHOW FUSION HELP for_command;

for_command = FOR '<command>'
` + help('Shows the help of a Fusion SQL command.'),
  },
  'SHOW JOB EXECUTIONS FOR': {
    family: 'job',
    grammar:
      `
SHOW JOB EXECUTIONS FOR job_id
    from_start
    to_end
    [ <extended> ];

job_id = '<job-id>'

from_start = FROM <integer>

to_end = TO <integer>
` + help('Lists the executions of a job.'),
  },
  'SHOW JOB PARAMETERS FOR': {
    family: 'job',
    grammar:
      `
SHOW JOB PARAMETERS FOR job_id;

job_id = '<job-id>'
` + help('Lists the parameters of a job.'),
  },
  'SHOW JOB RUNTIMES': {
    family: 'job',
    grammar:
      `
SHOW JOB RUNTIMES;
` + help('Lists the runtimes jobs can use.'),
  },
  'SHOW JOBS': {
    family: 'job',
    grammar:
      `
SHOW JOBS job_ids
    [ <extended> ]
    [ <like> ]
;

job_ids = '<job-id>',...
` + help('Shows jobs by ID.'),
  },
  'SHOW MODELS': {
    family: 'models',
    hidden: true,
    grammar:
      `
SHOW MODELS ;
` + help('Lists the models of the inference API.'),
  },
  'SHOW PERSONAL FILES': {
    family: 'files',
    grammar: filesShowFiles('PERSONAL') + help('Lists the personal file space.'),
  },
  'SHOW PROJECTS': {
    family: 'cluster',
    grammar:
      `
SHOW PROJECTS [ <like> ]
    [ <order-by> ]
    [ <limit> ];
` + help('Lists the projects of the organization.'),
  },
  'SHOW REGIONS': {
    family: 'workspace',
    grammar:
      `
SHOW REGIONS [ <like> ]
    [ <order-by> ]
    [ <limit> ];
` + help('Lists the regions where workspace groups can be created.'),
  },
  'SHOW SHARED FILES': {
    family: 'files',
    grammar: filesShowFiles('SHARED') + help('Lists the shared file space.'),
  },
  'SHOW STAGE FILES': {
    family: 'stage',
    grammar:
      `
SHOW STAGE FILES [ in ]
    [ at_path ] [ <like> ]
    [ <order-by> ]
    [ <limit> ] [ recursive ] [ extended ];

${STAGE_IN}
at_path = AT '<path>'

recursive = RECURSIVE

extended = EXTENDED
` + help('Lists files in Stage.'),
  },
  'SHOW STARTER CLUSTER REGIONS': {
    family: 'cluster',
    grammar:
      `
SHOW STARTER CLUSTER REGIONS [ <like> ]
    [ <order-by> ]
    [ <limit> ];
` + help('Lists the regions where starter clusters can be created.'),
  },
  'SHOW STARTER CLUSTERS': {
    family: 'cluster',
    grammar:
      `
SHOW STARTER CLUSTERS [ <like> ]
    [ <extended> ] [ <order-by> ]
    [ <limit> ];
` + help('Lists the starter clusters of the organization.'),
  },
  'SHOW WORKSPACE GROUPS': {
    family: 'workspace',
    grammar:
      `
SHOW WORKSPACE GROUPS [ <like> ]
    [ <extended> ] [ <order-by> ]
    [ <limit> ];
` + help('Lists workspace groups.'),
  },
  'SHOW WORKSPACES': {
    family: 'workspace',
    grammar:
      `
SHOW WORKSPACES [ in_group ]
    [ <like> ] [ <extended> ]
    [ <order-by> ] [ <limit> ];

${IN_GROUP}` + help('Lists the workspaces of a workspace group.'),
  },
  'START EXPORT': {
    family: 'export',
    hidden: true,
    grammar:
      `
START EXPORT
    from_table
    catalog
    storage
    [ partition_by ]
    [ order_by ]
    [ properties ]
;

${EXPORT_RULES}` + help('Starts exporting a table.'),
  },
  'START INCREMENTAL EXPORT': {
    family: 'export',
    hidden: true,
    grammar:
      `
START INCREMENTAL EXPORT
    from_table
    catalog
    storage
    [ partition_by ]
    [ order_by ]
    [ properties ]
    [ refresh_interval ]
;

${EXPORT_RULES}
refresh_interval = REFRESH INTERVAL _refresh_interval_value _refresh_interval_time_unit
_refresh_interval_value = <integer>
_refresh_interval_time_unit = { SECONDS | MINUTES | HOURS | DAYS }
` + help('Starts exporting a table incrementally.'),
  },
  'START MODEL': {
    family: 'models',
    hidden: true,
    grammar:
      `
START MODEL model_name ;

model_name = '<model-name>'
` + help('Starts a model of the inference API.'),
  },
  'STOP MODEL': {
    family: 'models',
    hidden: true,
    grammar:
      `
STOP MODEL model_name ;

model_name = '<model-name>'
` + help('Stops a model of the inference API.'),
  },
  'SUSPEND CLUSTER': {
    family: 'cluster',
    grammar:
      `
SUSPEND CLUSTER cluster
    [ wait_on_suspended ];

${CLUSTER_REF}
wait_on_suspended = WAIT ON SUSPENDED
` + help('Suspends a cluster.'),
  },
  'SUSPEND EXPORT': {
    family: 'export',
    hidden: true,
    grammar:
      `
SUSPEND EXPORT export_id;

export_id = '<export-id>'
` + help('Suspends a table export.'),
  },
  'SUSPEND WORKSPACE': {
    family: 'workspace',
    grammar:
      `
SUSPEND WORKSPACE workspace
    [ in_group ]
    [ wait_on_suspended ];

${WORKSPACE_REF}
${IN_GROUP}
wait_on_suspended = WAIT ON SUSPENDED
` + help('Suspends a workspace.'),
  },
  'UPLOAD CUSTOM MODEL': {
    family: 'models',
    hidden: true,
    grammar:
      `
UPLOAD CUSTOM MODEL model_name
    FROM local_path [ overwrite ];

model_name = '<model-name>'

local_path = '<local-path>'

overwrite = OVERWRITE
` + help('Uploads a local file or directory as a custom model.'),
  },
  'UPLOAD FILE TO STAGE': {
    family: 'stage',
    grammar:
      `
UPLOAD FILE TO STAGE stage_path
    [ in ]
    FROM local_path [ overwrite ];

stage_path = '<stage-path>'

${STAGE_IN}
local_path = '<local-path>'

overwrite = OVERWRITE
` + help('Uploads a local file to Stage.'),
  },
  'UPLOAD PERSONAL FILE TO': {
    family: 'files',
    grammar: filesUploadFileTo('PERSONAL') + help('Uploads a local file to the personal file space.'),
  },
  'UPLOAD SHARED FILE TO': {
    family: 'files',
    grammar: filesUploadFileTo('SHARED') + help('Uploads a local file to the shared file space.'),
  },
  'USE CLUSTER': {
    family: 'cluster',
    grammar:
      `
USE CLUSTER cluster [ with_database ];

cluster = { cluster_id | cluster_name | current_cluster }

cluster_id = ID '<cluster-id>'

cluster_name = '<cluster-name>'

current_cluster = @@CURRENT

with_database = WITH DATABASE '<database-name>'
` + help('Points this connection at another cluster (and database).'),
  },
  'USE WORKSPACE': {
    family: 'workspace',
    grammar:
      `
USE WORKSPACE workspace [ in_group ] [ with_database ];

workspace = { workspace_id | workspace_name | current_workspace }

workspace_id = ID '<workspace-id>'

workspace_name = '<workspace-name>'

current_workspace = @@CURRENT

${IN_GROUP}
with_database = WITH DATABASE 'database-name'
` + help('Points this connection at another workspace (and database).'),
  },
  'WAIT ON JOBS': {
    family: 'job',
    grammar:
      `
WAIT ON JOBS job_ids
    [ with_timeout ]
;

job_ids = '<job-id>',...

with_timeout = WITH TIMEOUT time time_unit
time = <integer>
time_unit = { SECONDS | MINUTES | HOURS }
` + help('Waits until run-once jobs have finished.'),
  },
};
