import { Migration } from '@mikro-orm/migrations';

export class Migration20261122030704_received_media extends Migration {

  override name = 'Migration20261122030704_received_media';

  override up(): void | Promise<void> {
    this.addSql(`create table "received_media" ("instance_id" uuid not null, "message_id" varchar(255) not null, "media_type" varchar(255) not null, "mime_type" varchar(255) not null, "file_length" bigint null, "file_name" text null, "media_key" bytea not null, "direct_path" text null, "url" text null, "created_at" timestamptz not null, primary key ("instance_id", "message_id"));`);
    this.addSql(`create index "received_media_created_at_index" on "received_media" ("created_at");`);

    this.addSql(`alter table "received_media" add constraint "received_media_instance_id_foreign" foreign key ("instance_id") references "instance" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "received_media" cascade;`);
  }

}
