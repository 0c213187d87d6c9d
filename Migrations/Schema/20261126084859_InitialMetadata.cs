using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace PairDb.Migrations.Schema
{
    /// <inheritdoc />
    public partial class InitialMetadata : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "hints",
                columns: table => new
                {
                    hint_id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    target_node_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    tenant_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    key = table.Column<byte[]>(type: "bytea", nullable: false),
                    payload = table.Column<byte[]>(type: "bytea", nullable: false),
                    payload_size = table.Column<int>(type: "integer", nullable: false),
                    replay_count = table.Column<int>(type: "integer", nullable: false, defaultValue: 0),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    next_attempt_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    last_error = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_hints", x => x.hint_id);
                });

            migrationBuilder.CreateTable(
                name: "pending_changes",
                columns: table => new
                {
                    change_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    node_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    progress = table.Column<int>(type: "integer", nullable: false),
                    start_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    details = table.Column<string>(type: "jsonb", nullable: false, defaultValueSql: "'{}'::jsonb"),
                    error = table.Column<string>(type: "text", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_pending_changes", x => x.change_id);
                    table.CheckConstraint("ck_pending_changes_progress", "progress BETWEEN 0 AND 100");
                });

            migrationBuilder.CreateTable(
                name: "storage_nodes",
                columns: table => new
                {
                    node_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    host = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    grpc_port = table.Column<int>(type: "integer", nullable: false),
                    http_port = table.Column<int>(type: "integer", nullable: false),
                    virtual_nodes = table.Column<int>(type: "integer", nullable: false),
                    tokens = table.Column<long[]>(type: "bigint[]", nullable: false),
                    state = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    draining = table.Column<bool>(type: "boolean", nullable: false, defaultValue: false),
                    capacity_gb = table.Column<int>(type: "integer", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_storage_nodes", x => x.node_id);
                    table.CheckConstraint("ck_storage_nodes_state", "state IN ('NORMAL', 'BOOTSTRAPPING', 'LEAVING')");
                });

            migrationBuilder.CreateIndex(
                name: "ix_hints_created_at",
                table: "hints",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ix_hints_target_next_attempt",
                table: "hints",
                columns: new[] { "target_node_id", "next_attempt_at" });

            migrationBuilder.CreateIndex(
                name: "ix_pending_changes_node_id",
                table: "pending_changes",
                column: "node_id");

            migrationBuilder.CreateIndex(
                name: "ix_pending_changes_status_type",
                table: "pending_changes",
                columns: new[] { "status", "type" });

            migrationBuilder.CreateIndex(
                name: "ux_storage_nodes_host_grpc_port",
                table: "storage_nodes",
                columns: new[] { "host", "grpc_port" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "hints");

            migrationBuilder.DropTable(
                name: "pending_changes");

            migrationBuilder.DropTable(
                name: "storage_nodes");
        }
    }
}
