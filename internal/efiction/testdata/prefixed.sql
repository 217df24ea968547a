# Sequel Pro style dump of an eFiction archive with its own table prefix
# (a fixture written for fanarchive's tests)

INSERT INTO `ef_authors` (`uid`, `penname`, `email`)
VALUES
	(7,'Rowan Ash','rowan@shore.example.com');

INSERT INTO `ef_categories` (`catid`, `parentcatid`, `category`)
VALUES
	(1,-1,'Shore Watch');

INSERT INTO `ef_ratings` (`rid`, `rating`)
VALUES
	(1,'R');

INSERT INTO `ef_stories` (`sid`, `title`, `summary`, `catid`, `classes`, `charid`, `rid`, `date`, `updated`, `uid`, `coauthors`, `validated`, `completed`)
VALUES
	(10,'Dune Road','Two walkers on the dune road.','1','','','1','1108000000','1108600000',7,'','1','1');

INSERT INTO `ef_chapters` (`chapid`, `title`, `inorder`, `storytext`, `sid`, `uid`, `validated`)
VALUES
	(20,'',1,'They walked.\nThe road went on.',10,7,'1');
