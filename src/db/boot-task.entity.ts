import { defineEntity, p } from '@mikro-orm/core';

/**
 * One-off work the gateway does at boot once per database and then never again (a data rewrite
 * that needs a secret a migration does not have). A row means the task is done.
 */
export const BootTaskSchema = defineEntity({
  name: 'BootTask',
  tableName: 'boot_task',
  properties: {
    name: p.string().primary(),
    doneAt: p.datetime(),
  },
});

export class BootTask extends BootTaskSchema.class {}
BootTaskSchema.setClass(BootTask);
