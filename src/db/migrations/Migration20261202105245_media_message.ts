import { Migration } from '@mikro-orm/migrations';

export class Migration20261202105245_media_message extends Migration {

  override name = 'Migration20261202105245_media_message';

  override up(): void | Promise<void> {
    this.addSql(`alter table "received_media" add "message" bytea null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "received_media" drop column "message";`);
  }

}
