// Where the alarms go, decided when the template is packaged (no CloudFormation condition that
// would be constant there: cfn-lint W8003). From custom.settings (settings.ts):
// - ALARM_TOPIC_ARN set: the alarms publish to that topic; the stack creates no topic and no key.
// - otherwise the stack's own AlarmTopic, encrypted with its own key (AlarmTopicKey).
// - ALARM_EMAIL set: AlarmEmailSubscription subscribes it to that topic; unset: there is none.
// Packaging or deploying alarms that reach nobody (neither set) ends with one warning line.
const WARNING =
  'Alarms reach nobody: the stack deploys its alarms to a topic without a subscriber. ' +
  'Set ALARM_EMAIL (an address to subscribe) or ALARM_TOPIC_ARN (your SNS topic), then package or deploy again.';

class AlarmTopicPlugin {
  constructor(serverless, options, utils) {
    this.serverless = serverless;
    this.log = utils && utils.log;
    this.hooks = {
      'after:aws:package:finalize:mergeCustomProviderResources': () => this.apply(),
      finalize: () => this.warn(),
    };
  }

  settings() {
    return this.serverless.service.custom.settings;
  }

  apply() {
    const { alarmTopicArn, alarmEmail } = this.settings();
    const resources = this.serverless.service.provider.compiledCloudFormationTemplate.Resources;
    for (const id of ['AlarmTopic', 'AlarmTopicKey', 'AlarmEmailSubscription']) {
      if (!resources[id]) {
        throw new this.serverless.classes.Error(
          `plugins/alarm-topic.cjs: serverless.yml has no ${id} resource; put it back (see git history).`,
        );
      }
    }
    if (alarmTopicArn) {
      delete resources.AlarmTopic;
      delete resources.AlarmTopicKey;
      resources.AlarmEmailSubscription.Properties.TopicArn = alarmTopicArn;
    }
    if (!alarmEmail) delete resources.AlarmEmailSubscription;
  }

  warn() {
    const command = this.serverless.processedInput.commands.join(' ');
    if (command !== 'package' && command !== 'deploy') return;
    const { alarmTopicArn, alarmEmail } = this.settings();
    if (alarmTopicArn || alarmEmail) return;
    if (this.log) this.log.warning(WARNING);
    else process.stderr.write(`Warning: ${WARNING}\n`);
  }
}

module.exports = AlarmTopicPlugin;
module.exports.WARNING = WARNING;
