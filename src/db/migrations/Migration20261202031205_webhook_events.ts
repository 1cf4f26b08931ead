import { Migration } from '@mikro-orm/migrations';

export class Migration20261202031205_webhook_events extends Migration {

  override name = 'Migration20261202031205_webhook_events';

  override up(): void | Promise<void> {
    // Every event goes through one outbox numbered by this sequence: per webhook + instance, a
    // delivery waits for the lower numbers still queued.
    this.addSql(`create sequence "webhook_event_seq";`);

    this.addSql(`create table "webhook_dead_letter" ("id" uuid not null, "webhook_id" uuid not null, "instance_id" uuid not null, "event_id" uuid not null, "event" text not null, "seq" bigint not null, "ordered" boolean not null, "body" bytea not null, "attempts" int not null default 0, "last_error" text null, "created_at" timestamptz not null, "failed_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "webhook_dead_letter_instance_id_index" on "webhook_dead_letter" ("instance_id");`);
    this.addSql(`create index "webhook_dead_letter_webhook_id_seq_index" on "webhook_dead_letter" ("webhook_id", "seq");`);
    this.addSql(`create index "webhook_dead_letter_failed_at_index" on "webhook_dead_letter" ("failed_at");`);

    // webhook_config: from one SUDEVWA config per instance to any number of webhooks. Existing rows
    // become the instance's `sudevwa` webhook for incoming messages, as they behaved before.
    this.addSql(`alter table "webhook_config" drop constraint "webhook_config_instance_id_foreign";`);
    this.addSql(`alter table "webhook_config" drop constraint "webhook_config_pkey";`);
    this.addSql(`alter table "webhook_config" add "id" uuid null, add "owner_id" uuid null, add "format" text not null default 'sudevwa', add "events" text[] not null default '{MESSAGE_RECEIVED}';`);
    this.addSql(`update "webhook_config" set "id" = gen_random_uuid();`);
    this.addSql(`alter table "webhook_config" alter column "id" set not null, alter column "format" drop default, alter column "events" drop default;`);
    this.addSql(`alter table "webhook_config" add constraint "webhook_config_owner_id_foreign" foreign key ("owner_id") references "app_user" ("id") on delete cascade;`);
    this.addSql(`alter table "webhook_config" alter column "instance_id" drop not null;`);
    this.addSql(`alter table "webhook_config" add constraint "webhook_config_instance_id_foreign" foreign key ("instance_id") references "instance" ("id") on delete cascade;`);
    this.addSql(`create index "webhook_config_instance_id_index" on "webhook_config" ("instance_id");`);
    this.addSql(`create index "webhook_config_owner_id_index" on "webhook_config" ("owner_id");`);
    this.addSql(`alter table "webhook_config" add primary key ("id");`);

    // Queued legacy deliveries keep going to their instance's webhook, unordered as before.
    this.addSql(`alter table "webhook_delivery" add "webhook_id" uuid null, add "event_id" uuid null, add "seq" bigint not null default nextval('webhook_event_seq'), add "ordered" boolean not null default false;`);
    this.addSql(`update "webhook_delivery" d set "webhook_id" = c."id", "event_id" = d."id" from "webhook_config" c where c."instance_id" = d."instance_id";`);
    this.addSql(`delete from "webhook_delivery" where "webhook_id" is null;`);
    this.addSql(`alter table "webhook_delivery" alter column "webhook_id" set not null, alter column "event_id" set not null, alter column "ordered" drop default;`);
    this.addSql(`alter table "webhook_delivery" add constraint "webhook_delivery_webhook_id_foreign" foreign key ("webhook_id") references "webhook_config" ("id") on delete cascade;`);
    this.addSql(`alter table "webhook_delivery" drop column "url";`);
    this.addSql(`alter table "webhook_delivery" add "event" text not null default 'MESSAGE_RECEIVED';`);
    this.addSql(`alter table "webhook_delivery" alter column "event" drop default;`);
    this.addSql(`create index "webhook_delivery_webhook_id_instance_id_seq_index" on "webhook_delivery" ("webhook_id", "instance_id", "seq");`);
    this.addSql(`alter table "webhook_delivery" add constraint "webhook_delivery_webhook_id_event_id_unique" unique ("webhook_id", "event_id");`);

    this.addSql(`alter table "webhook_dead_letter" add constraint "webhook_dead_letter_webhook_id_foreign" foreign key ("webhook_id") references "webhook_config" ("id") on delete cascade;`);
    this.addSql(`alter table "webhook_dead_letter" add constraint "webhook_dead_letter_instance_id_foreign" foreign key ("instance_id") references "instance" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "webhook_dead_letter" cascade;`);

    // Back to one SUDEVWA config per instance: other webhooks and their queued deliveries go.
    this.addSql(`delete from "webhook_config" where "format" <> 'sudevwa' or "instance_id" is null;`);
    this.addSql(`alter table "webhook_config" drop constraint "webhook_config_owner_id_foreign";`);
    this.addSql(`alter table "webhook_config" drop constraint "webhook_config_instance_id_foreign";`);

    this.addSql(`drop index "webhook_delivery_webhook_id_instance_id_seq_index";`);
    this.addSql(`alter table "webhook_delivery" drop constraint "webhook_delivery_webhook_id_event_id_unique";`);
    this.addSql(`alter table "webhook_delivery" add "url" text null;`);
    this.addSql(`update "webhook_delivery" d set "url" = c."url" from "webhook_config" c where c."id" = d."webhook_id";`);
    this.addSql(`alter table "webhook_delivery" alter column "url" set not null;`);
    this.addSql(`alter table "webhook_delivery" drop constraint "webhook_delivery_webhook_id_foreign";`);
    this.addSql(`alter table "webhook_delivery" drop column "webhook_id", drop column "event_id", drop column "seq", drop column "ordered", drop column "event";`);

    this.addSql(`drop index "webhook_config_instance_id_index";`);
    this.addSql(`drop index "webhook_config_owner_id_index";`);
    this.addSql(`alter table "webhook_config" drop constraint "webhook_config_pkey";`);
    this.addSql(`alter table "webhook_config" drop column "id", drop column "owner_id", drop column "format", drop column "events";`);
    this.addSql(`alter table "webhook_config" alter column "instance_id" set not null;`);
    this.addSql(`alter table "webhook_config" add constraint "webhook_config_instance_id_foreign" foreign key ("instance_id") references "instance" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "webhook_config" add primary key ("instance_id");`);
    this.addSql(`drop sequence if exists "webhook_event_seq";`);
  }

}
